import io

from openpyxl import Workbook, load_workbook

from apps.core.xlsx import append_row, write_text

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "  =1+1", "\t=1+1", "\n=1+1"]


def round_trip(workbook: Workbook):
    output = io.BytesIO()
    workbook.save(output)
    return load_workbook(io.BytesIO(output.getvalue())).active


def test_strings_that_look_like_formulas_are_stored_as_text_with_the_same_visible_value():
    workbook = Workbook()
    append_row(workbook.active, ["Họ tên", *HOSTILE])
    append_row(workbook.active, [1, -2, 3.5, None, "Nguyễn Thị Lan"])
    write_text(workbook.active["A3"], "=SUM(B2:C2)")
    sheet = round_trip(workbook)
    first = list(sheet[1])
    assert [cell.value for cell in first] == ["Họ tên", *HOSTILE]
    assert all(cell.data_type == "s" for cell in first)
    assert all(cell.quotePrefix for cell in first[1:]) and not first[0].quotePrefix  # Excel keeps them text on edit
    assert [cell.value for cell in sheet[2]][:5] == [1, -2, 3.5, None, "Nguyễn Thị Lan"]
    assert sheet["A3"].value == "=SUM(B2:C2)" and sheet["A3"].data_type == "s"


def test_control_characters_are_dropped_instead_of_failing_the_export():
    workbook = Workbook()
    append_row(workbook.active, ["Lan\x00\x07 Nguyễn"])
    assert round_trip(workbook)["A1"].value == "Lan Nguyễn"
