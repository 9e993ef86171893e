"""The CSRF secret generator that replaces Django's: the same alphabet and length, every character equally likely,
and tokens Django's middleware accepts."""

import re
import secrets
from collections import Counter

import pytest
from django.middleware import csrf
from django.test import Client

from apps.core.csrf_secret import new_csrf_string

# The chi-square statistic's value that 61 degrees of freedom exceed with probability 1e-6 (tables): a fair draw
# fails this test once in a million runs; taking bytes modulo 62 without redrawing (8 characters 25 % likelier)
# gives about 1,700 on this many characters.
CHI_SQUARE_61_AT_1E_6 = 128.5


def test_django_draws_its_secrets_and_masks_with_it(monkeypatch, rf):
    """A new visitor's token (a secret and a mask) and the new secret at login: one read each."""
    reads, read = [], secrets.token_bytes

    def token_bytes(size):
        reads.append(size)
        return read(size)

    monkeypatch.setattr("apps.core.csrf_secret.secrets.token_bytes", token_bytes)
    request = rf.get("/")
    token = csrf.get_token(request)
    csrf.rotate_token(request)
    assert len(reads) == 3 and re.fullmatch(r"[A-Za-z0-9]{64}", token)


def test_a_secret_has_djangos_length_and_alphabet_and_secrets_differ():
    drawn = {new_csrf_string() for _ in range(1000)}
    assert len(drawn) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9]{32}", secret) for secret in drawn)


def test_every_character_is_equally_likely():
    counts = Counter("".join(new_csrf_string() for _ in range(8000)))  # 256,000 characters
    total, alphabet = sum(counts.values()), csrf.CSRF_ALLOWED_CHARS
    expected = total / len(alphabet)
    chi_square = sum((counts[char] - expected) ** 2 / expected for char in alphabet)
    assert set(counts) == set(alphabet)
    assert chi_square < CHI_SQUARE_61_AT_1E_6, chi_square


@pytest.mark.django_db
def test_a_form_posted_with_the_token_of_a_page_is_accepted_and_without_it_refused():
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/tra-cuu/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert visitor.post("/tra-cuu/", {"ma": "KHONG-CO", "csrfmiddlewaretoken": token}).status_code != 403
    assert Client(enforce_csrf_checks=True).post("/tra-cuu/", {"ma": "KHONG-CO"}).status_code == 403
