#pragma once
// GDAL/OGR vector reading and writing behind plain types. No GDAL header leaks from here.
// Thread contract: a VectorSource, LayerReader, VectorSink or LayerWriter is used by one thread
// at a time; different objects may be used on different threads.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/geometry.h"
#include "core/output.h"
#include "geo/crs.h"

namespace ntm::geo {

// Registers GDAL drivers once and applies ntmsim's GDAL settings (thread-safe).
void ensure_gdal();

enum class GeomKind { None, Point, Line, Polygon };

struct GeometryValue {
    GeomKind kind = GeomKind::None;
    std::string type_name;     // OGR's name of what was read, e.g. "MultiLineString"
    bool multi_point = false;  // a MultiPoint with more than one point (only the first is kept)
    Point point;
    MultiLineString lines;
    MultiPolygon polygons;
};

GeometryValue make_geometry(const Point& p);
GeometryValue make_geometry(MultiLineString lines);
GeometryValue make_geometry(MultiPolygon polygons);

struct Feature {
    long long fid = -1;
    std::vector<std::optional<std::string>> values;  // per field, as text; nullopt when null
    GeometryValue geometry;
};

class LayerReader {
 public:
    LayerReader(std::shared_ptr<void> dataset, void* layer, std::string path, std::string name);
    ~LayerReader();
    LayerReader(LayerReader&&) noexcept;
    LayerReader& operator=(LayerReader&&) noexcept;

    const std::string& name() const { return m_name; }
    const std::string& path() const { return m_path; }
    const std::vector<std::string>& field_names() const { return m_fields; }
    // Per field: 0 text, 1 integer, 2 real (FieldDef::Type's order).
    const std::vector<int>& field_types() const { return m_types; }
    // Index of a field by name (case-insensitive), or -1.
    int field_index(const std::string& name) const;
    bool has_geometry() const;
    Crs crs() const;
    long long feature_count() const;
    // Transform every geometry read from now on into `to` (from the layer's own CRS or `from`).
    void set_transform(const Crs& from, const Crs& to);
    // Reads the next feature; false at the end. Throws InputError when a feature cannot be read.
    bool next(Feature& out);

 private:
    std::shared_ptr<void> m_dataset;  // keeps the GDALDataset alive
    void* m_layer;                    // OGRLayer*, owned by the dataset
    std::string m_path, m_name;
    std::vector<std::string> m_fields;
    std::vector<int> m_types;
    std::unique_ptr<Transform> m_transform;
};

class VectorSource {
 public:
    // Opens any OGR vector source read-only. Throws InputError naming the path when it cannot.
    static VectorSource open(const std::string& path,
                             const std::vector<std::string>& open_options = {});
    const std::string& path() const { return m_path; }
    std::string driver_name() const;
    std::vector<std::string> layer_names() const;
    bool has_layer(const std::string& name) const;
    LayerReader layer(const std::string& name) const;  // throws InputError when missing
    LayerReader layer(int index) const;
    // The feature ids of `layer` whose numeric `column` holds text: SQLite keeps what it is
    // given, so a GeoPackage REAL column can hold 'abc', which OGR reads as 0. Empty for sources
    // that are not SQLite-based, and for columns that are not numeric.
    std::vector<long long> text_in_numeric_column(const std::string& layer,
                                                  const std::string& column) const;

 private:
    std::shared_ptr<void> m_dataset;
    std::string m_path;
};

using FieldValue = std::variant<std::monostate, std::string, long long, double>;

struct FieldDef {
    enum class Type { String, Integer, Real };
    std::string name;
    Type type = Type::String;
};

class LayerWriter {
 public:
    LayerWriter(void* layer, std::string name, std::vector<FieldDef> fields, GeomKind kind,
                bool multi, std::shared_ptr<long long> written = std::make_shared<long long>(0));
    const std::string& name() const { return m_name; }
    // One value per field, in the order given at creation; geometry may be null.
    void write(const std::vector<FieldValue>& values, const GeometryValue* geometry);

 private:
    void* m_layer;  // OGRLayer*, owned by the dataset
    std::string m_name;
    std::vector<FieldDef> m_fields;
    GeomKind m_kind;
    bool m_multi;
    std::shared_ptr<long long> m_written;  // features written, checked by VectorSink::commit
};

// A new file written atomically: everything goes to a temporary file beside the target, which
// commit() renames into place. If the object dies uncommitted, the temporary file is removed and
// the target is untouched.
class VectorSink {
 public:
    // driver: an OGR driver short name ("GPKG", "ESRI Shapefile", "GeoJSON", "FlatGeobuf",
    // "CSV"). Fails when `path` exists unless overwrite is true.
    static VectorSink create(const std::string& path, const std::string& driver,
                             bool overwrite = false);
    ~VectorSink();
    VectorSink(VectorSink&&) noexcept;
    VectorSink& operator=(VectorSink&&) noexcept;

    // multi: geometries are written as Multi* types (single parts promoted).
    LayerWriter create_layer(const std::string& name, const Crs* crs, GeomKind kind, bool multi,
                             const std::vector<FieldDef>& fields,
                             const std::vector<std::string>& options = {});
    // Group writes into one transaction where the driver has them (GeoPackage): much faster.
    void begin_transaction();
    void commit_transaction();
    void commit();

 private:
    VectorSink() = default;
    void discard();
    std::unique_ptr<void, void (*)(void*)> m_dataset{nullptr, nullptr};
    std::unique_ptr<StagedOutput> m_output;  // the temporary written, swapped in by commit()
    std::string m_path, m_driver;
    bool m_in_transaction = false;
    std::vector<std::shared_ptr<long long>> m_written;  // per layer created
};

// A geometry in another CRS.
GeometryValue transformed(const GeometryValue& g, const Transform& t);

// A single-band Float32 GeoTIFF (DEFLATE, tiled) of polygons burnt with their values (a cell
// takes the value of the polygon covering its centre), `nodata` elsewhere. Written atomically.
struct BurnShape {
    MultiPolygon polygon;
    double value = 0;
};
void write_rasterised(const std::string& path, const Crs& crs, const Box& bounds, double cell_size,
                      const std::vector<BurnShape>& shapes, double nodata, bool overwrite);

// Reads one cell of a single-band raster at a map coordinate (for tests and checks).
double raster_value_at(const std::string& path, const Point& p);

// The OGR driver short name for a path, from its extension (".gpkg" → "GPKG"); empty if none.
std::string driver_for_path(const std::string& path);

}  // namespace ntm::geo
