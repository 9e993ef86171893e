"""Vietnamese for Django REST framework's own messages, which its `vi` catalogue leaves in English (it translates
20 of about 120: "A valid integer is required.", "Invalid page.", "Object with code=x does not exist." came out in
English on a Vietnamese request).

`install()` (from CoreConfig.ready) replaces each DRF message named below — field error messages, exception
details, validator and pagination messages — with a lazy text that is Vietnamese while Vietnamese is active and
DRF's own message (its English, or its catalogue's translation) otherwise. Serializer fields take their messages
when they are built, and DRF builds a serializer's fields again for each serializer it makes, so every field of
every API sees these. The table is keyed by DRF's English text: a message DRF rewords is simply left as DRF has
it (the test in apps/core/tests/test_api_messages_vi.py then fails on the English that slips through)."""

from django.utils import translation
from django.utils.functional import lazy

VI = {
    # fields
    "This field may not be null.": "Trường này không được để trống.",
    "Not a valid string.": "Giá trị không phải là chuỗi ký tự hợp lệ.",
    "Ensure this field has no more than {max_length} characters.": "Trường này không được dài quá {max_length} ký tự.",
    "Ensure this field has at least {min_length} characters.": "Trường này cần ít nhất {min_length} ký tự.",
    "Must be a valid boolean.": "Vui lòng nhập giá trị đúng/sai hợp lệ (true hoặc false).",
    "A valid integer is required.": "Vui lòng nhập một số nguyên hợp lệ.",
    "A valid biginteger is required.": "Vui lòng nhập một số nguyên hợp lệ.",
    "A valid number is required.": "Vui lòng nhập một số hợp lệ.",
    "Ensure this value is less than or equal to {max_value}.": "Giá trị phải nhỏ hơn hoặc bằng {max_value}.",
    "Ensure this value is greater than or equal to {min_value}.": "Giá trị phải lớn hơn hoặc bằng {min_value}.",
    "String value too large.": "Giá trị quá dài.",
    "Integer value too large to convert to float": "Số quá lớn.",
    "Ensure that there are no more than {max_digits} digits in total.": "Số không được có quá {max_digits} chữ số.",
    "Ensure that there are no more than {max_decimal_places} decimal places.":
        "Số không được có quá {max_decimal_places} chữ số sau dấu thập phân.",
    "Ensure that there are no more than {max_whole_digits} digits before the decimal point.":
        "Số không được có quá {max_whole_digits} chữ số trước dấu thập phân.",
    '"{input}" is not a valid choice.': "“{input}” không phải là lựa chọn hợp lệ.",
    '"{input}" is not a valid path choice.': "“{input}” không phải là đường dẫn hợp lệ.",
    'Expected a list of items but got type "{input_type}".': "Cần một danh sách, nhận được kiểu “{input_type}”.",
    "This list may not be empty.": "Danh sách này không được để trống.",
    "This selection may not be empty.": "Vui lòng chọn ít nhất một mục.",
    "Ensure this field has at least {min_length} elements.": "Danh sách cần ít nhất {min_length} phần tử.",
    "Ensure this field has no more than {max_length} elements.": "Danh sách không được quá {max_length} phần tử.",
    'Expected a dictionary of items but got type "{input_type}".':
        "Cần một đối tượng (các cặp tên: giá trị), nhận được kiểu “{input_type}”.",
    "This dictionary may not be empty.": "Đối tượng này không được để trống.",
    "Date has wrong format. Use one of these formats instead: {format}.":
        "Ngày sai định dạng. Dùng một trong các định dạng sau: {format}.",
    "Expected a date but got a datetime.": "Cần một ngày, nhận được ngày kèm giờ.",
    "Datetime has wrong format. Use one of these formats instead: {format}.":
        "Ngày giờ sai định dạng. Dùng một trong các định dạng sau: {format}.",
    "Expected a datetime but got a date.": "Cần ngày kèm giờ, nhận được một ngày.",
    'Invalid datetime for the timezone "{timezone}".': "Thời điểm không tồn tại ở múi giờ “{timezone}”.",
    "Datetime value out of range.": "Ngày giờ nằm ngoài khoảng cho phép.",
    "Time has wrong format. Use one of these formats instead: {format}.":
        "Giờ sai định dạng. Dùng một trong các định dạng sau: {format}.",
    "Duration has wrong format. Use one of these formats instead: {format}.":
        "Khoảng thời gian sai định dạng. Dùng một trong các định dạng sau: {format}.",
    "The number of days must be between {min_days} and {max_days}.": "Số ngày phải từ {min_days} đến {max_days}.",
    "The submitted data was not a file. Check the encoding type on the form.":
        "Dữ liệu gửi lên không phải là tệp. Hãy gửi biểu mẫu với kiểu multipart/form-data.",
    "No filename could be determined.": "Không xác định được tên tệp.",
    "Ensure this filename has at most {max_length} characters (it has {length}).":
        "Tên tệp không được dài quá {max_length} ký tự (hiện có {length}).",
    "This value does not match the required pattern.": "Giá trị không đúng mẫu quy định.",
    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.':
        "Vui lòng nhập mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc gạch ngang.",
    'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.':
        "Vui lòng nhập mã chỉ gồm chữ cái, chữ số, dấu gạch dưới hoặc gạch ngang.",
    "Must be a valid UUID.": "Vui lòng nhập một mã UUID hợp lệ.",
    # relations
    'Invalid pk "{pk_value}" - object does not exist.': "Không có đối tượng có mã số “{pk_value}”.",
    "Incorrect type. Expected pk value, received {data_type}.":
        "Sai kiểu dữ liệu: cần mã số (khóa chính), nhận được {data_type}.",
    "Invalid hyperlink - No URL match.": "Đường dẫn không hợp lệ: không khớp địa chỉ nào.",
    "Invalid hyperlink - Incorrect URL match.": "Đường dẫn không hợp lệ: khớp sai địa chỉ.",
    "Invalid hyperlink - Object does not exist.": "Đường dẫn không hợp lệ: đối tượng không tồn tại.",
    "Incorrect type. Expected URL string, received {data_type}.":
        "Sai kiểu dữ liệu: cần một đường dẫn, nhận được {data_type}.",
    "Object with {slug_name}={value} does not exist.": "Không tìm thấy đối tượng có {slug_name}={value}.",
    "Invalid value.": "Giá trị không hợp lệ.",
    # serializers
    "Invalid data. Expected a dictionary, but got {datatype}.":
        "Dữ liệu không hợp lệ: cần một đối tượng, nhận được {datatype}.",
    # exceptions (the API's error handler names most of them with its own message; these are what remains)
    "A server error occurred.": "Hệ thống gặp lỗi, vui lòng thử lại sau.",
    "Malformed request.": "Yêu cầu không đúng định dạng.",
    "Incorrect authentication credentials.": "Thông tin đăng nhập không đúng.",
    "Authentication credentials were not provided.": "Bạn cần đăng nhập.",
    "Could not satisfy the request Accept header.": "Không trả lời được theo định dạng mà tiêu đề Accept yêu cầu.",
    'Unsupported media type "{media_type}" in request.': "Định dạng dữ liệu “{media_type}” không được hỗ trợ.",
    "Request was throttled.": "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    # validators
    "This field must be unique.": "Giá trị này đã có, vui lòng nhập giá trị khác.",
    "The fields {field_names} must make a unique set.": "Bộ giá trị của các trường {field_names} đã có.",
    'This field must be unique for the "{date_field}" date.': "Giá trị này đã có trong ngày “{date_field}”.",
    'This field must be unique for the "{date_field}" month.': "Giá trị này đã có trong tháng “{date_field}”.",
    'This field must be unique for the "{date_field}" year.': "Giá trị này đã có trong năm “{date_field}”.",
    "Surrogate characters are not allowed: U+{code_point:X}.":
        "Không chấp nhận ký tự đại diện (surrogate): U+{code_point:X}.",
    # pagination
    "Invalid page.": "Trang không hợp lệ.",
    "Invalid cursor": "Con trỏ phân trang không hợp lệ.",
}  # fmt: skip


def _message(english: str, original) -> str:
    language = translation.get_language() or ""
    if language == "vi" or language.startswith("vi-"):
        return VI[english]
    return str(original)


message = lazy(_message, str)


def _english(text) -> str | None:
    """DRF's English text behind one of its messages (a gettext_lazy proxy, or a plain string)."""
    args = getattr(text, "_args", None)
    if args and isinstance(args[0], str):
        return args[0]
    return text if isinstance(text, str) else None


def _translated(text):
    english = _english(text)
    return message(english, text) if english in VI else text


def _patch_messages(cls) -> None:
    own = cls.__dict__.get("default_error_messages")
    if own:
        cls.default_error_messages = {key: _translated(text) for key, text in own.items()}


def install() -> None:
    """Give every DRF message of the table its Vietnamese (idempotent)."""
    import inspect

    from rest_framework import exceptions, fields, pagination, relations, serializers, validators

    for module in (fields, relations, serializers):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                _patch_messages(cls)
    for _name, cls in inspect.getmembers(exceptions, inspect.isclass):
        if "default_detail" in cls.__dict__:
            cls.default_detail = _translated(cls.__dict__["default_detail"])
    for _name, cls in inspect.getmembers(validators, inspect.isclass):
        for attribute in ("message", "missing_message"):
            if cls.__dict__.get(attribute) is not None:
                setattr(cls, attribute, _translated(cls.__dict__[attribute]))
    pagination.PageNumberPagination.invalid_page_message = _translated(
        pagination.PageNumberPagination.invalid_page_message
    )
    pagination.CursorPagination.invalid_cursor_message = _translated(pagination.CursorPagination.invalid_cursor_message)
