#pragma once
// The in-memory study area: communes and their assets, in one metric CRS.
// Thread contract: immutable once loaded; any number of threads may read it.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/geometry.h"
#include "geo/crs.h"
#include "model/enums.h"

namespace ntm {

// Where a record came from, so later problems can name it.
struct Origin {
    std::string file;
    std::string layer;
    long long fid = -1;
    long long line = -1;  // line in a CSV file (header is line 1), else -1
};

struct Commune {
    std::string code;  // stable id (mã xã)
    std::string name;
    std::string district;
    std::string province;
    Region region = Region::BTB;
    CommuneGroup group =
        CommuneGroup::Group2;  // the 2026–2030 set's commune group; 2 when not given
    CommuneKind kind = CommuneKind::Commune;
    long long population = 0;
    long long households = 0;
    MultiPolygon geometry;
    Origin origin;
};

struct Road {
    RoadClass road_class = RoadClass::Other;
    Surface surface = Surface::Earth;
    double width_m = 0;  // 0 when unknown
    MultiLineString geometry;
    Origin origin;
};

struct Canal {
    CanalLevel level = CanalLevel::Field;
    bool lined = false;          // kiên cố hóa
    double service_width_m = 0;  // farmland on each side served when lined; 0: level default
    MultiLineString geometry;
    Origin origin;
};

struct Farmland {
    LandUse use = LandUse::Rice;
    MultiPolygon geometry;
    Origin origin;
};

struct School {
    std::string name;
    SchoolLevel level = SchoolLevel::Primary;
    bool meets_standard = false;  // đạt chuẩn cơ sở vật chất
    long long students = 0;
    Point location;
    Origin origin;
    int kind_key() const { return static_cast<int>(level); }
};

struct Facility {
    std::string name;
    FacilityKind kind = FacilityKind::VillageCulturalHouse;
    bool meets_standard = false;
    Point location;
    Origin origin;
    int kind_key() const { return static_cast<int>(kind); }
};

// One row of the status table: a value or a met/not-met verdict for an indicator that no asset
// measures (income, poverty, health…), per commune and year.
struct StatusRow {
    std::string commune_code;
    int year = 0;
    std::string indicator;  // e.g. "10", "17.1"
    std::optional<double> value;
    std::optional<bool> met;
    Origin origin;
};

// Which layers an area came with: a missing layer makes its indicators unknown, not zero.
struct LayersPresent {
    bool roads = true, canals = true, farmland = true, schools = true, facilities = true,
         status = true;
};

struct StudyArea {
    std::string name;        // from area.yaml or the file name
    std::string source;      // the path given by the user
    geo::Crs crs;            // the metric working CRS every geometry is in
    std::string crs_reason;  // why this CRS: "the data's own", "UTM zone of the centroid"

    std::vector<Commune> communes;
    std::vector<Road> roads;
    std::vector<Canal> canals;
    std::vector<Farmland> farmland;
    std::vector<School> schools;
    std::vector<Facility> facilities;
    std::vector<StatusRow> status;
    LayersPresent layers;  // set by the loader

    // Index of a commune by code, or -1.
    int commune_index(const std::string& code) const;
    // Index of a commune by code, else by name (the first with it), or -1.
    int find_commune(const std::string& name_or_code) const;
    void rebuild_index();
    // Puts every layer in an order of its own content (communes by code, lines and polygons by
    // their coordinates, points by place, status rows by commune, year and indicator), so the
    // order of the features in a file changes no result (the loader calls it).
    void sort_canonically();

 private:
    std::unordered_map<std::string, int> m_by_code;
};

// Layer names of a conforming GeoPackage, in load order.
inline constexpr const char* kLayerNames[] = {"communes", "roads",      "canals", "farmland",
                                              "schools",  "facilities", "status"};

}  // namespace ntm
