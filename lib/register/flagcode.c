/* Flag codes and their meaning (see flagcode.h). */
#include <string.h>

#include "base/util.h"
#include "register/flagcode.h"

static const struct so_flag_code codes[] = {
	{ "LAYOUT_UNCERTAIN", "bố cục trang chưa chắc chắn (xác nhận một lần cho cả trang)",
	  "page layout uncertain (one confirmation clears the page)" },
	{ "REQUIRED_MISSING", "thiếu thông tin bắt buộc", "required field empty" },
	{ "UNREADABLE", "không đọc được", "unreadable" },
	{ "HANDWRITTEN", "chữ viết tay: cần người nhập", "handwriting: to be keyed by a person" },
	{ "KEYING_CONFLICT", "hai lần nhập không khớp", "two keyings disagree" },
	{ "LOW_CONFIDENCE", "máy đọc không chắc chắn", "low recognition confidence" },
	{ "DATE_INVALID", "ngày không có thật", "not a calendar date" },
	{ "DATE_IN_FUTURE", "ngày trong tương lai", "date in the future" },
	{ "REGISTRATION_YEAR", "ngày đăng ký ngoài năm của sổ",
	  "registration outside the book's year" },
	{ "DATE_ORDER", "thứ tự ngày không hợp lý", "dates out of order" },
	{ "ID_FORMAT", "số giấy tờ sai dạng", "malformed identity number" },
	{ "ID_MISMATCH", "số định danh không khớp", "identity number disagrees" },
	{ "SEX_VALUE", "giới tính không hợp lệ", "sex outside its list" },
	{ "ETHNICITY_UNKNOWN", "dân tộc không có trong danh mục", "unknown ethnic group" },
	{ "NATIONALITY_UNKNOWN", "quốc tịch không có trong danh mục", "unknown nationality" },
	{ "NAME_CHARS", "họ tên có ký tự lạ", "name with odd characters" },
	{ "SEQUENCE_DUPLICATE", "trùng số đăng ký", "registration number twice" },
	{ "SEQUENCE_GAP", "số đăng ký không liên tục", "gap in registration numbers" },
	{ "PLACE_UNMATCHED", "địa danh không khớp danh mục", "place not matched" },
	{ "PLACE_MISMATCH", "địa danh mâu thuẫn với danh mục", "place contradicts the tables" },
	{ "LATE_REGISTRATION", "đăng ký muộn", "late registration" },
	{ "AGE_AT_MARRIAGE", "chưa đủ tuổi kết hôn", "under marriage age" },
	{ "PARENT_AGE", "tuổi cha mẹ bất thường", "unusual parent age" },
	{ "DUPLICATE_ENTRY", "trùng một hồ sơ khác", "same entry twice" },
	{ "REGISTRY_CONFLICT", "cơ sở dữ liệu quốc gia đã có nội dung khác",
	  "the national database holds other content" },
	{ "REGISTRY_REFUSED", "cơ sở dữ liệu quốc gia từ chối", "refused by the national database" },
	{ "SYNC_NO_KEY", "thiếu số đăng ký để gửi", "no key to deliver under" },
	{ "SYNC_DUPLICATE_KEY", "trùng khóa với hồ sơ khác", "key of another record" },
};

const struct so_flag_code *so_flag_code_find(const char *code)
{
	for (size_t i = 0; code && i < SO_ARRAY_SIZE(codes); i++)
		if (strcmp(codes[i].code, code) == 0)
			return &codes[i];
	return NULL;
}
