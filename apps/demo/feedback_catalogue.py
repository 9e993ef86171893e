"""Feedback categories (with their answer deadlines) and ready answers for the hotline. Idempotent."""

from apps.feedback.models import AnswerTemplate, Category

G = Category.Group
CATEGORIES = [
    ("hoi-dap-thu-tuc", "Hỏi đáp về thủ tục hành chính", G.PROCEDURE, 5,
     "Hồ sơ, giấy tờ, phí, lệ phí, thời hạn, nơi nộp của một thủ tục.", "thu tuc ho so giay to le phi"),
    ("ho-so-tre-han", "Hồ sơ giải quyết chậm, quá hẹn", G.CONDUCT, 5,
     "Hồ sơ đã quá ngày hẹn trả mà chưa có kết quả hoặc chưa nhận được phiếu xin lỗi.", "tre han qua hen cham"),
    ("phien-ha-nhung-nhieu", "Cán bộ gây phiền hà, sách nhiễu", G.CONDUCT, 5,
     "Thái độ, hành vi của cán bộ, công chức khi tiếp nhận, giải quyết hồ sơ.", "thai do phien ha sach nhieu"),
    ("quy-dinh-hanh-chinh", "Vướng mắc về quy định hành chính", G.REGULATION, 10,
     "Quy định không hợp lý, chồng chéo, trái pháp luật (Nghị định 20/2008/NĐ-CP).", "quy dinh chong cheo"),
    ("kien-nghi-de-xuat", "Kiến nghị, đề xuất cải cách", G.PROPOSAL, 10,
     "Sáng kiến đơn giản hóa thủ tục, cải tiến cách phục vụ.", "de xuat sang kien cai cach"),
    ("phan-anh-khac", "Phản ánh khác", G.OTHER, 5, "", ""),
]  # fmt: skip
TEMPLATES = [
    ("hoi-dap-thu-tuc", "Tra cứu thủ tục trên cổng",
     "Ông/Bà có thể tra cứu thành phần hồ sơ, phí, lệ phí và thời hạn giải quyết tại mục Thủ tục hành chính của "
     "cổng thông tin; hồ sơ nộp trực tuyến hoặc tại Bộ phận Một cửa nơi cư trú."),
    ("ho-so-tre-han", "Hồ sơ đã được đôn đốc",
     "Trung tâm đã đôn đốc đơn vị đang giải quyết hồ sơ. Đơn vị sẽ có phiếu xin lỗi và hẹn lại ngày trả kết quả "
     "gửi Ông/Bà trong thời gian sớm nhất."),
    (None, "Cảm ơn ý kiến",
     "Cảm ơn Ông/Bà đã phản ánh. Ý kiến đã được chuyển đến đơn vị có thẩm quyền để xem xét, trả lời theo quy định."),
]  # fmt: skip


def load_feedback_catalogue() -> None:
    for order, (code, name, group, days, description, keywords) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "answer_days": days, "description": description,
                      "keywords": keywords, "order": order},
        )  # fmt: skip
    for category_code, title, body in TEMPLATES:
        category = Category.objects.get(code=category_code) if category_code else None
        AnswerTemplate.objects.update_or_create(title=title, defaults={"category": category, "body": body})
