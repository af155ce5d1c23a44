#include "model/enums.h"

#include <utility>

#include "core/text.h"

namespace ntm {

namespace {
template <typename E>
struct Names;

template <>
struct Names<RoadClass> {
    static constexpr auto& all = kRoadClasses;
    static std::vector<std::pair<RoadClass, std::vector<std::string_view>>> table() {
        return {
            {RoadClass::CommuneAxis, {"commune_axis", "truc_xa", "lien_xa", "duong_xa", "commune"}},
            {RoadClass::VillageAxis,
             {"village_axis", "truc_thon", "lien_thon", "duong_thon", "village"}},
            {RoadClass::Alley, {"alley", "ngo_xom", "ngo", "xom"}},
            {RoadClass::Field, {"field", "noi_dong", "truc_chinh_noi_dong", "duong_noi_dong"}},
            {RoadClass::Other, {"other", "khac"}}};
    }
};
template <>
struct Names<Surface> {
    static constexpr auto& all = kSurfaces;
    static std::vector<std::pair<Surface, std::vector<std::string_view>>> table() {
        return {{Surface::Earth, {"earth", "dat", "dirt", "unpaved"}},
                {Surface::Gravel, {"gravel", "cap_phoi", "soi", "da_dam"}},
                {Surface::Asphalt, {"asphalt", "nhua", "bitumen", "nhua_duong"}},
                {Surface::Concrete, {"concrete", "be_tong", "betong", "be_tong_xi_mang"}}};
    }
};
template <>
struct Names<CanalLevel> {
    static constexpr auto& all = kCanalLevels;
    static std::vector<std::pair<CanalLevel, std::vector<std::string_view>>> table() {
        return {{CanalLevel::Level1, {"1", "level_1", "cap_1", "main"}},
                {CanalLevel::Level2, {"2", "level_2", "cap_2"}},
                {CanalLevel::Level3, {"3", "level_3", "cap_3"}},
                {CanalLevel::Field, {"field", "noi_dong", "kenh_noi_dong", "4"}}};
    }
};
template <>
struct Names<LandUse> {
    static constexpr auto& all = kLandUses;
    static std::vector<std::pair<LandUse, std::vector<std::string_view>>> table() {
        return {{LandUse::Rice, {"rice", "lua", "dat_lua", "paddy"}},
                {LandUse::Annual, {"annual", "hang_nam", "cay_hang_nam"}},
                {LandUse::Perennial, {"perennial", "lau_nam", "cay_lau_nam"}}};
    }
};
template <>
struct Names<SchoolLevel> {
    static constexpr auto& all = kSchoolLevels;
    static std::vector<std::pair<SchoolLevel, std::vector<std::string_view>>> table() {
        return {{SchoolLevel::Preschool, {"preschool", "mam_non", "mau_giao", "kindergarten"}},
                {SchoolLevel::Primary, {"primary", "tieu_hoc"}},
                {SchoolLevel::LowerSecondary,
                 {"lower_secondary", "thcs", "trung_hoc_co_so", "secondary"}}};
    }
};
template <>
struct Names<FacilityKind> {
    static constexpr auto& all = kFacilityKinds;
    static std::vector<std::pair<FacilityKind, std::vector<std::string_view>>> table() {
        return {
            {FacilityKind::CommuneCulturalHouse,
             {"commune_cultural_house", "nha_van_hoa_xa", "hoi_truong_xa"}},
            {FacilityKind::VillageCulturalHouse, {"village_cultural_house", "nha_van_hoa_thon"}},
            {FacilityKind::SportsGround, {"sports_ground", "san_the_thao", "khu_the_thao"}},
            {FacilityKind::Market, {"market", "cho"}},
            {FacilityKind::HealthStation, {"health_station", "tram_y_te"}}};
    }
};
template <>
struct Names<CommuneKind> {
    static constexpr auto& all = kCommuneKinds;
    static std::vector<std::pair<CommuneKind, std::vector<std::string_view>>> table() {
        return {{CommuneKind::Commune, {"commune", "xa"}},
                {CommuneKind::Township, {"township", "thi_tran", "town"}}};
    }
};
template <>
struct Names<Region> {
    static constexpr auto& all = kRegions;
    static std::vector<std::pair<Region, std::vector<std::string_view>>> table() {
        return {{Region::TDMNPB,
                 {"TDMNPB", "trung_du_va_mien_nui_phia_bac", "northern_midlands_and_mountains"}},
                {Region::DBSH, {"DBSH", "dong_bang_song_hong", "red_river_delta"}},
                {Region::BTB, {"BTB", "bac_trung_bo", "north_central_coast"}},
                {Region::DHNTB, {"DHNTB", "duyen_hai_nam_trung_bo", "south_central_coast"}},
                {Region::TN, {"TN", "tay_nguyen", "central_highlands"}},
                {Region::DNB, {"DNB", "dong_nam_bo", "southeast"}},
                {Region::DBSCL, {"DBSCL", "dong_bang_song_cuu_long", "mekong_delta"}}};
    }
};

template <>
struct Names<CommuneGroup> {
    static constexpr auto& all = kCommuneGroups;
    static std::vector<std::pair<CommuneGroup, std::vector<std::string_view>>> table() {
        return {{CommuneGroup::Group1, {"group1", "1", "nhom_1", "xa_nhom_1", "group_1"}},
                {CommuneGroup::Group2, {"group2", "2", "nhom_2", "xa_nhom_2", "group_2"}},
                {CommuneGroup::Group3, {"group3", "3", "nhom_3", "xa_nhom_3", "group_3"}}};
    }
};

template <typename E>
std::string_view canonical(E v) {
    static const auto table = Names<E>::table();
    for (const auto& [value, names] : table)
        if (value == v) return names.front();
    return "?";
}
}  // namespace

template <typename E>
std::optional<E> parse_enum(std::string_view text) {
    static const auto table = Names<E>::table();
    const std::string folded = fold_token(text);
    for (const auto& [value, names] : table)
        for (const auto& n : names)
            if (folded == fold_token(n)) return value;
    return std::nullopt;
}

template <typename E>
std::string enum_choices() {
    std::vector<std::string> out;
    for (const auto v : Names<E>::all) out.emplace_back(canonical(v));
    return join(out, ", ");
}

#define NTM_ENUM(E)                                            \
    std::string_view token(E v) { return canonical(v); }       \
    template std::optional<E> parse_enum<E>(std::string_view); \
    template std::string enum_choices<E>();

NTM_ENUM(RoadClass)
NTM_ENUM(Surface)
NTM_ENUM(CanalLevel)
NTM_ENUM(LandUse)
NTM_ENUM(SchoolLevel)
NTM_ENUM(FacilityKind)
NTM_ENUM(CommuneKind)
NTM_ENUM(Region)
NTM_ENUM(CommuneGroup)
#undef NTM_ENUM

}  // namespace ntm
