#pragma once
// The study area's categories. Each has a canonical token (what ntmsim writes, e.g.
// "village_axis") and accepts the Vietnamese and English spellings listed in enums.cpp; an
// area.yaml can map any other value onto these.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

// Đường trục xã / liên xã, trục thôn / liên thôn, ngõ xóm, trục chính nội đồng.
enum class RoadClass { CommuneAxis, VillageAxis, Alley, Field, Other };
enum class Surface { Earth, Gravel, Asphalt, Concrete };
// Kênh cấp 1, 2, 3 and kênh nội đồng (field canals).
enum class CanalLevel { Level1, Level2, Level3, Field };
enum class LandUse { Rice, Annual, Perennial };
enum class SchoolLevel { Preschool, Primary, LowerSecondary };
enum class FacilityKind {
    CommuneCulturalHouse,
    VillageCulturalHouse,
    SportsGround,
    Market,
    HealthStation
};
enum class CommuneKind { Commune, Township };
// Vùng: the seven regions whose thresholds differ (DOMAIN.md §2.1).
enum class Region { TDMNPB, DBSH, BTB, DHNTB, TN, DNB, DBSCL };
// Nhóm xã: the three commune groups whose thresholds differ in the 2026–2030 set (DOMAIN.md §2.5):
// 1 next to a town / planned urban / agriculture < 10% of the economy; 3 area II and III communes
// of ethnic-minority and mountain regions; 2 the rest.
enum class CommuneGroup { Group1, Group2, Group3 };

inline constexpr std::array kRoadClasses = {RoadClass::CommuneAxis, RoadClass::VillageAxis,
                                            RoadClass::Alley, RoadClass::Field, RoadClass::Other};
inline constexpr std::array kSurfaces = {Surface::Earth, Surface::Gravel, Surface::Asphalt,
                                         Surface::Concrete};
inline constexpr std::array kCanalLevels = {CanalLevel::Level1, CanalLevel::Level2,
                                            CanalLevel::Level3, CanalLevel::Field};
inline constexpr std::array kLandUses = {LandUse::Rice, LandUse::Annual, LandUse::Perennial};
inline constexpr std::array kSchoolLevels = {SchoolLevel::Preschool, SchoolLevel::Primary,
                                             SchoolLevel::LowerSecondary};
inline constexpr std::array kFacilityKinds = {
    FacilityKind::CommuneCulturalHouse, FacilityKind::VillageCulturalHouse,
    FacilityKind::SportsGround, FacilityKind::Market, FacilityKind::HealthStation};
inline constexpr std::array kCommuneKinds = {CommuneKind::Commune, CommuneKind::Township};
inline constexpr std::array kRegions = {Region::TDMNPB, Region::DBSH, Region::BTB,  Region::DHNTB,
                                        Region::TN,     Region::DNB,  Region::DBSCL};
inline constexpr std::array kCommuneGroups = {CommuneGroup::Group1, CommuneGroup::Group2,
                                              CommuneGroup::Group3};

// Hardened (cứng hóa): asphalt or concrete.
inline bool is_hardened(Surface s) { return s == Surface::Asphalt || s == Surface::Concrete; }

std::string_view token(RoadClass v);
std::string_view token(Surface v);
std::string_view token(CanalLevel v);
std::string_view token(LandUse v);
std::string_view token(SchoolLevel v);
std::string_view token(FacilityKind v);
std::string_view token(CommuneKind v);
std::string_view token(Region v);
std::string_view token(CommuneGroup v);

// Parse a value (canonical token, or a known Vietnamese/English synonym, any case or accents).
template <typename E>
std::optional<E> parse_enum(std::string_view text);

// The accepted canonical tokens of an enum, for error messages: "commune_axis, village_axis, …".
template <typename E>
std::string enum_choices();

}  // namespace ntm
