#include "core/text.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ntm {

std::string trim(std::string_view s) {
    const auto* ws = " \t\r\n";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(ws);
    return std::string(s.substr(b, e - b + 1));
}

std::string to_lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

namespace {
// Decode one UTF-8 code point; advances i. Invalid bytes come back as themselves.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = c;
    if (c >= 0xF0) {
        extra = 3;
        cp = c & 0x07;
    } else if (c >= 0xE0) {
        extra = 2;
        cp = c & 0x0F;
    } else if (c >= 0xC0) {
        extra = 1;
        cp = c & 0x1F;
    }
    ++i;
    for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    return cp;
}

// Base ASCII letter of a Vietnamese (Latin) letter, or 0 when it is not one.
char fold_vietnamese(char32_t cp) {
    static const std::u32string_view kGroups[] = {U"aàáảãạăằắẳẵặâầấẩẫậ",
                                                  U"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
                                                  U"eèéẻẽẹêềếểễệ",
                                                  U"EÈÉẺẼẸÊỀẾỂỄỆ",
                                                  U"iìíỉĩị",
                                                  U"IÌÍỈĨỊ",
                                                  U"oòóỏõọôồốổỗộơờớởỡợ",
                                                  U"OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
                                                  U"uùúủũụưừứửữự",
                                                  U"UÙÚỦŨỤƯỪỨỬỮỰ",
                                                  U"yỳýỷỹỵ",
                                                  U"YỲÝỶỸỴ",
                                                  U"dđ",
                                                  U"DĐ"};
    for (const auto& g : kGroups) {
        if (g.find(cp) != std::u32string_view::npos) return static_cast<char>(g[0]);
    }
    return 0;
}
}  // namespace

std::string fold_token(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    const std::string t = trim(s);
    std::string_view v = t;
    while (i < v.size()) {
        const char32_t cp = next_code_point(v, i);
        char c;
        if (cp < 0x80) {
            c = static_cast<char>(cp);
        } else {
            c = fold_vietnamese(cp);
            if (c == 0) continue;  // other marks (combining accents) are dropped
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == ' ' || c == '-' || c == '.' || c == '/') c = '_';
        if (c == '_' && (!out.empty() && out.back() == '_')) continue;
        out.push_back(c);
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

std::optional<double> parse_double(std::string_view s) {
    const std::string t = trim(s);
    if (t.empty()) return std::nullopt;
    double v = 0;
    const auto* end = t.data() + t.size();
    const auto res = std::from_chars(t.data(), end, v);
    if (res.ec != std::errc() || res.ptr != end) return std::nullopt;
    return v;
}

std::optional<long long> parse_int(std::string_view s) {
    const std::string t = trim(s);
    if (t.empty()) return std::nullopt;
    long long v = 0;
    const auto* end = t.data() + t.size();
    const auto res = std::from_chars(t.data(), end, v);
    if (res.ec != std::errc() || res.ptr != end) return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(std::string_view s) {
    const std::string t = fold_token(s);
    if (t == "yes" || t == "true" || t == "1" || t == "y" || t == "co" || t == "dat" || t == "met")
        return true;
    if (t == "no" || t == "false" || t == "0" || t == "n" || t == "khong" || t == "khong_dat" ||
        t == "chua_dat" || t == "not_met")
        return false;
    return std::nullopt;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::string format_fixed(double value, int decimals) {
    char buf[64];
    const auto res =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    return std::string(buf, res.ptr);
}

std::size_t display_width(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::string pad_right(std::string_view s, std::size_t width) {
    std::string out(s);
    for (auto w = display_width(s); w < width; ++w) out.push_back(' ');
    return out;
}

std::string pad_left(std::string_view s, std::size_t width) {
    std::string out;
    for (auto w = display_width(s); w < width; ++w) out.push_back(' ');
    out += s;
    return out;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace ntm
