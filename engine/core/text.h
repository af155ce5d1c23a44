#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

std::string trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
// A token for matching enum values: ASCII lower case, Vietnamese letters folded to their base
// letter (đ→d, ơ→o, …), spaces, hyphens and dots turned into '_'. "Trục xã" → "truc_xa".
std::string fold_token(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::optional<double> parse_double(std::string_view s);
std::optional<long long> parse_int(std::string_view s);
// yes/no, true/false, 1/0, có/không, đạt/không đạt.
std::optional<bool> parse_bool(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Fixed-point formatting independent of the locale.
std::string format_fixed(double value, int decimals);
// Number of display columns of a UTF-8 string (code points), for aligned tables.
std::size_t display_width(std::string_view s);
std::string pad_right(std::string_view s, std::size_t width);
std::string pad_left(std::string_view s, std::size_t width);

// & < > " ' as XML entities: text and attribute values of SVG, HTML and QGIS styles.
std::string xml_escape(std::string_view s);

}  // namespace ntm
