"""What the demo province's units write to each other in a year: directives down from the provincial committee,
reports up from the communes, official letters across between departments. `{month}`, `{quarter}` and `{year}` are
filled with the period the document is about."""

# (type, summary): the provincial committee to its departments and every commune.
DOWN = [
    ("chi_thi", "Về tăng cường kỷ luật, kỷ cương hành chính trong giải quyết thủ tục hành chính năm {year}"),
    ("chi_thi", "Về đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước năm {year}"),
    ("chi_thi", "Về công tác phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm {year}"),
    ("quyet_dinh", "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc thẩm quyền giải quyết của cấp xã"),
    ("quyet_dinh", "Ban hành Quy chế tiếp nhận, giải quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"),
    ("quyet_dinh", "Về việc giao chỉ tiêu cải cách hành chính năm {year} cho các sở, ngành và Ủy ban nhân dân cấp xã"),
    ("ke_hoach", "Cải cách hành chính tỉnh Sơn Hà năm {year}"),
    ("ke_hoach", "Kiểm tra công tác cải cách hành chính và kỷ luật, kỷ cương hành chính năm {year}"),
    ("ke_hoach", "Triển khai Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử năm {year}"),
    ("cong_van", "V/v báo cáo kết quả giải quyết thủ tục hành chính quý {quarter}/{year}"),
    ("cong_van", "V/v chấn chỉnh tình trạng hồ sơ thủ tục hành chính trễ hạn"),
    ("cong_van", "V/v rà soát, cập nhật dữ liệu hộ tịch điện tử tháng {month}/{year}"),
    ("cong_van", "V/v thực hiện nghiêm việc xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn"),
    ("thong_bao", "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng {month}/{year}"),
    ("cong_dien", "Về việc tập trung ứng phó với áp thấp nhiệt đới trên biển Đông"),
]

# (type, summary): a commune to a provincial department or to the provincial committee.
UP = [
    ("bao_cao", "Kết quả thực hiện công tác cải cách hành chính tháng {month}/{year}"),
    ("bao_cao", "Tình hình tiếp nhận, giải quyết phản ánh, kiến nghị của người dân quý {quarter}/{year}"),
    ("bao_cao", "Kết quả giải quyết thủ tục hành chính quý {quarter}/{year}"),
    ("bao_cao", "Kết quả công tác tư pháp - hộ tịch tháng {month}/{year}"),
    ("bao_cao", "Tình hình thiệt hại do mưa lũ và công tác khắc phục hậu quả"),
    ("to_trinh", "Đề nghị phê duyệt danh mục công trình hạ tầng nông thôn năm {year}"),
    ("to_trinh", "Đề nghị bổ sung biên chế công chức Văn phòng HĐND và UBND"),
    ("cong_van", "V/v đề nghị hướng dẫn thủ tục chuyển mục đích sử dụng đất"),
    ("cong_van", "V/v đề nghị cấp tài khoản sử dụng hệ thống thông tin giải quyết thủ tục hành chính"),
]

# (type, summary): between provincial departments.
ACROSS = [
    ("cong_van", "V/v góp ý dự thảo Quyết định ban hành quy trình nội bộ giải quyết thủ tục hành chính"),
    ("cong_van", "V/v phối hợp kiểm tra công tác cải cách hành chính tại cấp xã quý {quarter}/{year}"),
    ("cong_van", "V/v cung cấp số liệu phục vụ xây dựng báo cáo kinh tế - xã hội tháng {month}/{year}"),
    ("cong_van", "V/v thống nhất phương án liên thông thủ tục đăng ký khai sinh, cấp thẻ bảo hiểm y tế"),
    ("giay_moi", "Dự hội nghị triển khai kế hoạch cải cách hành chính năm {year}"),
    ("giay_moi", "Dự họp giao ban công tác chuyển đổi số quý {quarter}/{year}"),
    ("ke_hoach", "Phối hợp tuyên truyền dịch vụ công trực tuyến năm {year}"),
]

SIGNERS = {"chi_thi": "Chủ tịch", "quyet_dinh": "Chủ tịch", "cong_dien": "Chủ tịch"}
