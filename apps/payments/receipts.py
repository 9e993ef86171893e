"""The electronic fee receipt as PDF, and amounts written in Vietnamese words as receipts require."""

from django.http import HttpResponse
from django.utils import timezone

from apps.core.pdf import render_pdf
from apps.payments.models import Receipt

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"]


def _group_words(number: int, leading: bool) -> list[str]:
    """A group of three digits. Inside a larger number an empty hundreds place is read ("không trăm") and a zero
    ten before a unit is "lẻ"; the unit 1 after a ten of 20 or more is "mốt", the unit 5 after any ten "lăm"."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    if number < 0:
        raise ValueError("negative amount")
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index] == 0:
            continue
        words += _group_words(groups[index], leading=index == len(groups) - 1)
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def amount_in_words(amount_vnd: int) -> str:
    """1250000 → "Một triệu hai trăm năm mươi nghìn đồng"."""
    text = f"{number_in_words(amount_vnd)} đồng"
    return text[0].upper() + text[1:]


def money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def receipt_pdf(receipt: Receipt) -> bytes:
    payment = receipt.payment
    dossier = payment.dossier
    unit = receipt.unit
    issued = timezone.localtime(receipt.issued_at)
    return render_pdf(
        "payments/receipt_pdf.html",
        {
            "receipt": receipt,
            "payment": payment,
            "d": dossier,
            "issuer": unit.name,
            "issuer_parent": unit.parent.name if unit.parent_id else "",
            "place": (unit.parent or unit).short_name or unit.name,
            "today": issued.date(),
            "issued": issued,
            "paid": timezone.localtime(payment.paid_at),
            "amount": money(payment.amount_vnd),
            "amount_words": amount_in_words(payment.amount_vnd),
            "number": receipt.label,
            "provider": {"vnpay": "VNPAY"}.get(payment.provider, payment.provider),
        },
    )


def receipt_download(receipt: Receipt) -> HttpResponse:
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{receipt.year}-{receipt.label}.pdf"'
    return response
