#include "geo/gdal.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/progress.h"
#include "core/text.h"
#include "geo/gdal_detail.h"

namespace fs = std::filesystem;

namespace ntm::geo {

namespace {

void CPL_STDCALL error_handler(CPLErr level, CPLErrorNum, const char* message) {
    // Failures are turned into ntm errors by the caller (from CPLGetLastErrorMsg); warnings are
    // worth a user's eye, debug chatter is not.
    if (level == CE_Warning) warn(std::string("GDAL: ") + message);
}

GDALDataset* as_dataset(void* p) { return static_cast<GDALDataset*>(p); }
OGRLayer* as_layer(void* p) { return static_cast<OGRLayer*>(p); }

std::string last_gdal_message() {
    const char* m = CPLGetLastErrorMsg();
    return (m && *m) ? std::string(m) : std::string("no detail from GDAL");
}

LineString to_line(const OGRLineString& ls) {
    LineString out;
    out.points.reserve(static_cast<std::size_t>(ls.getNumPoints()));
    for (int i = 0; i < ls.getNumPoints(); ++i) out.points.push_back({ls.getX(i), ls.getY(i)});
    return out;
}

Ring to_ring(const OGRLinearRing& r) {
    Ring out;
    out.reserve(static_cast<std::size_t>(r.getNumPoints()));
    for (int i = 0; i < r.getNumPoints(); ++i) out.push_back({r.getX(i), r.getY(i)});
    return out;
}

Polygon to_polygon(const OGRPolygon& p) {
    Polygon out;
    if (const auto* ext = p.getExteriorRing()) out.outer = to_ring(*ext);
    for (int i = 0; i < p.getNumInteriorRings(); ++i)
        out.holes.push_back(to_ring(*p.getInteriorRing(i)));
    return out;
}

void collect(const OGRGeometry& g, GeometryValue& v) {
    const auto type = wkbFlatten(g.getGeometryType());
    switch (type) {
        case wkbPoint: {
            const auto& p = *g.toPoint();
            if (!p.IsEmpty() && v.kind == GeomKind::None) {
                v.kind = GeomKind::Point;
                v.point = {p.getX(), p.getY()};
            } else if (!p.IsEmpty()) {
                v.multi_point = true;
            }
            break;
        }
        case wkbLineString:
            v.kind = GeomKind::Line;
            v.lines.parts.push_back(to_line(*g.toLineString()));
            break;
        case wkbPolygon:
            v.kind = GeomKind::Polygon;
            v.polygons.polygons.push_back(to_polygon(*g.toPolygon()));
            break;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const auto* part : *g.toGeometryCollection()) collect(*part, v);
            break;
        default:
            break;
    }
}

GeometryValue convert(const OGRGeometry* g) {
    GeometryValue v;
    if (!g) return v;
    v.type_name = OGRGeometryTypeToName(g->getGeometryType());
    if (OGR_GT_IsNonLinear(g->getGeometryType())) {
        std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
        if (linear) collect(*linear, v);
    } else {
        collect(*g, v);
    }
    return v;
}

void transform_value(GeometryValue& v, const Transform& t) {
    switch (v.kind) {
        case GeomKind::Point:
            v.point = t.apply(v.point);
            break;
        case GeomKind::Line:
            for (auto& part : v.lines.parts) t.apply(part.points);
            break;
        case GeomKind::Polygon:
            for (auto& poly : v.polygons.polygons) {
                t.apply(poly.outer);
                for (auto& h : poly.holes) t.apply(h);
            }
            break;
        case GeomKind::None:
            break;
    }
}

OGRLinearRing to_ogr_ring(const Ring& r) {
    OGRLinearRing ring;
    ring.setNumPoints(static_cast<int>(r.size()), FALSE);
    for (std::size_t i = 0; i < r.size(); ++i) ring.setPoint(static_cast<int>(i), r[i].x, r[i].y);
    return ring;
}

OGRPolygon to_ogr_polygon(const Polygon& p) {
    OGRPolygon poly;
    auto outer = to_ogr_ring(p.outer);
    poly.addRing(&outer);
    for (const auto& h : p.holes) {
        auto ring = to_ogr_ring(h);
        poly.addRing(&ring);
    }
    return poly;
}

OGRLineString to_ogr_line(const LineString& l) {
    OGRLineString ls;
    ls.setNumPoints(static_cast<int>(l.points.size()), FALSE);
    for (std::size_t i = 0; i < l.points.size(); ++i)
        ls.setPoint(static_cast<int>(i), l.points[i].x, l.points[i].y);
    return ls;
}

std::unique_ptr<OGRGeometry> to_ogr(const GeometryValue& v, bool multi) {
    switch (v.kind) {
        case GeomKind::Point:
            return std::make_unique<OGRPoint>(v.point.x, v.point.y);
        case GeomKind::Line: {
            if (!multi && v.lines.parts.size() == 1) {
                return std::make_unique<OGRLineString>(to_ogr_line(v.lines.parts[0]));
            }
            auto m = std::make_unique<OGRMultiLineString>();
            for (const auto& part : v.lines.parts) {
                auto ls = to_ogr_line(part);
                m->addGeometry(&ls);
            }
            return m;
        }
        case GeomKind::Polygon: {
            if (!multi && v.polygons.polygons.size() == 1) {
                return std::make_unique<OGRPolygon>(to_ogr_polygon(v.polygons.polygons[0]));
            }
            auto m = std::make_unique<OGRMultiPolygon>();
            for (const auto& p : v.polygons.polygons) {
                auto poly = to_ogr_polygon(p);
                m->addGeometry(&poly);
            }
            return m;
        }
        case GeomKind::None:
            return nullptr;
    }
    return nullptr;
}

}  // namespace

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(error_handler);
        // GeoPackages carry a last-change timestamp; a fixed one keeps output bytes a function of
        // the inputs alone. A user who wants the clock sets OGR_CURRENT_DATE themselves.
        if (!CPLGetConfigOption("OGR_CURRENT_DATE", nullptr)) {
            CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
        }
        // GDAL ≥ 3.6 may build a large table's spatial index in a background thread, which makes
        // the file's page layout (not its content) depend on timing and on the CPUs the process
        // may use (a national results.gpkg differed between a 2-CPU process and an MPI rank bound
        // to one core). Built in the writing thread, the bytes depend on the inputs alone.
        if (!CPLGetConfigOption("OGR_GPKG_ALLOW_THREADED_RTREE", nullptr)) {
            CPLSetConfigOption("OGR_GPKG_ALLOW_THREADED_RTREE", "NO");
        }
    });
}

GeometryValue make_geometry(const Point& p) {
    GeometryValue v;
    v.kind = GeomKind::Point;
    v.point = p;
    return v;
}
GeometryValue make_geometry(MultiLineString lines) {
    GeometryValue v;
    v.kind = GeomKind::Line;
    v.lines = std::move(lines);
    return v;
}
GeometryValue make_geometry(MultiPolygon polygons) {
    GeometryValue v;
    v.kind = GeomKind::Polygon;
    v.polygons = std::move(polygons);
    return v;
}

// ---------------------------------------------------------------------------------------------
// Reading

LayerReader::LayerReader(std::shared_ptr<void> dataset, void* layer, std::string path,
                         std::string name)
    : m_dataset(std::move(dataset)),
      m_layer(layer),
      m_path(std::move(path)),
      m_name(std::move(name)) {
    auto* defn = as_layer(m_layer)->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        m_fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
        const auto t = defn->GetFieldDefn(i)->GetType();
        m_types.push_back(t == OFTInteger || t == OFTInteger64 ? 1 : t == OFTReal ? 2 : 0);
    }
    as_layer(m_layer)->ResetReading();
}
LayerReader::~LayerReader() = default;
LayerReader::LayerReader(LayerReader&&) noexcept = default;
LayerReader& LayerReader::operator=(LayerReader&&) noexcept = default;

int LayerReader::field_index(const std::string& name) const {
    const std::string want = to_lower_ascii(name);
    for (std::size_t i = 0; i < m_fields.size(); ++i)
        if (to_lower_ascii(m_fields[i]) == want) return static_cast<int>(i);
    return -1;
}

bool LayerReader::has_geometry() const {
    return as_layer(m_layer)->GetLayerDefn()->GetGeomFieldCount() > 0;
}

Crs LayerReader::crs() const { return crs_from_srs(as_layer(m_layer)->GetSpatialRef()); }

long long LayerReader::feature_count() const {
    return static_cast<long long>(as_layer(m_layer)->GetFeatureCount(TRUE));
}

void LayerReader::set_transform(const Crs& from, const Crs& to) {
    if (from.same_as(to)) {
        m_transform.reset();
        return;
    }
    m_transform = std::make_unique<Transform>(from, to);
}

bool LayerReader::next(Feature& out) {
    CPLErrorReset();
    std::unique_ptr<OGRFeature> f(as_layer(m_layer)->GetNextFeature());
    if (!f) {
        if (CPLGetLastErrorType() == CE_Failure) {
            throw InputError(m_path + ", layer '" + m_name +
                             "': cannot read a feature: " + last_gdal_message());
        }
        return false;
    }
    out.fid = f->GetFID();
    out.values.assign(m_fields.size(), std::nullopt);
    for (int i = 0; i < static_cast<int>(m_fields.size()); ++i) {
        if (!f->IsFieldSetAndNotNull(i)) continue;
        if (m_types[static_cast<std::size_t>(i)] == 2) {
            // Real values as text that reads back to the same double (GDAL's own text rounds).
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", f->GetFieldAsDouble(i));
            out.values[static_cast<std::size_t>(i)] = buf;
        } else {
            out.values[static_cast<std::size_t>(i)] = f->GetFieldAsString(i);
        }
    }
    out.geometry = convert(f->GetGeometryRef());
    if (m_transform) transform_value(out.geometry, *m_transform);
    return true;
}

VectorSource VectorSource::open(const std::string& path, const std::vector<std::string>& options) {
    ensure_gdal();
    std::vector<const char*> opts;
    for (const auto& o : options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    CPLErrorReset();
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                        opts.data(), nullptr);
    if (!ds) {
        const bool exists = fs::exists(path);
        throw InputError(path + ": " +
                         (exists
                              ? "not a vector data source GDAL can read (" + last_gdal_message() +
                                    "); use GeoPackage, Shapefile, "
                                    "GeoJSON, FlatGeobuf, CSV or XLSX"
                              : std::string("no such file or folder")));
    }
    VectorSource s;
    s.m_dataset = std::shared_ptr<void>(ds, [](void* p) { GDALClose(p); });
    s.m_path = path;
    return s;
}

std::string VectorSource::driver_name() const {
    return as_dataset(m_dataset.get())->GetDriver()->GetDescription();
}

std::vector<std::string> VectorSource::layer_names() const {
    std::vector<std::string> out;
    auto* ds = as_dataset(m_dataset.get());
    for (int i = 0; i < ds->GetLayerCount(); ++i) out.emplace_back(ds->GetLayer(i)->GetName());
    return out;
}

std::vector<long long> VectorSource::text_in_numeric_column(const std::string& layer,
                                                            const std::string& column) const {
    std::vector<long long> out;
    auto* ds = as_dataset(m_dataset.get());
    const std::string driver = ds->GetDriver()->GetDescription();
    if (driver != "GPKG" && driver != "SQLite") return out;
    auto* l = ds->GetLayerByName(layer.c_str());
    if (!l) return out;
    const int index = l->GetLayerDefn()->GetFieldIndex(column.c_str());
    if (index < 0) return out;
    const OGRFieldType type = l->GetLayerDefn()->GetFieldDefn(index)->GetType();
    if (type != OFTReal && type != OFTInteger && type != OFTInteger64) return out;
    auto quoted = [](const std::string& name) {
        std::string q = "\"";
        for (const char ch : name) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        return q + "\"";
    };
    const std::string fid = *l->GetFIDColumn() ? l->GetFIDColumn() : "rowid";
    const std::string sql = "SELECT " + quoted(fid) + " FROM " + quoted(layer) + " WHERE typeof(" +
                            quoted(column) + ") = 'text'";
    const std::unique_ptr<OGRLayer, std::function<void(OGRLayer*)>> result(
        ds->ExecuteSQL(sql.c_str(), nullptr, nullptr),
        [ds](OGRLayer* r) { ds->ReleaseResultSet(r); });
    if (!result) return out;
    const bool as_field = result->GetLayerDefn()->GetFieldCount() > 0;
    for (std::unique_ptr<OGRFeature, decltype(&OGRFeature::DestroyFeature)> f(
             result->GetNextFeature(), &OGRFeature::DestroyFeature);
         f; f.reset(result->GetNextFeature()))
        out.push_back(as_field ? f->GetFieldAsInteger64(0) : f->GetFID());
    return out;
}

bool VectorSource::has_layer(const std::string& name) const {
    return as_dataset(m_dataset.get())->GetLayerByName(name.c_str()) != nullptr;
}

LayerReader VectorSource::layer(const std::string& name) const {
    auto* l = as_dataset(m_dataset.get())->GetLayerByName(name.c_str());
    if (!l) {
        throw InputError(m_path + ": no layer '" + name +
                         "' (layers: " + join(layer_names(), ", ") + ")");
    }
    return LayerReader(m_dataset, l, m_path, l->GetName());
}

LayerReader VectorSource::layer(int index) const {
    auto* l = as_dataset(m_dataset.get())->GetLayer(index);
    if (!l) throw InputError(m_path + ": no layer number " + std::to_string(index));
    return LayerReader(m_dataset, l, m_path, l->GetName());
}

GeometryValue transformed(const GeometryValue& g, const Transform& t) {
    GeometryValue out = g;
    transform_value(out, t);
    return out;
}

void write_rasterised(const std::string& path, const Crs& crs, const Box& bounds, double cell,
                      const std::vector<BurnShape>& shapes, double nodata, bool overwrite) {
    ensure_gdal();
    if (fs::exists(path) && !overwrite)
        throw InputError(path + ": already exists; choose another output or pass --overwrite");
    if (!(cell > 0)) throw UsageError("the cell size must be positive");
    const int nx = std::max(1, static_cast<int>(std::ceil(bounds.width() / cell)));
    const int ny = std::max(1, static_cast<int>(std::ceil(bounds.height() / cell)));
    if (static_cast<double>(nx) * ny > 4e8)
        throw UsageError("a " + std::to_string(nx) + " × " + std::to_string(ny) +
                         " raster is too large; give a larger cell size");
    auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    std::unique_ptr<GDALDataset> ds(mem->Create("", nx, ny, 1, GDT_Float32, nullptr));
    double gt[6] = {bounds.min_x, cell, 0, bounds.min_y + ny * cell, 0, -cell};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    if (crs.known() && srs.importFromWkt(crs.wkt.c_str()) == OGRERR_NONE) ds->SetSpatialRef(&srs);
    auto* band = ds->GetRasterBand(1);
    band->SetNoDataValue(nodata);
    band->Fill(nodata);
    std::vector<std::unique_ptr<OGRGeometry>> owned;
    std::vector<OGRGeometryH> geoms;
    std::vector<double> values;
    for (const auto& s : shapes) {
        owned.push_back(to_ogr(make_geometry(s.polygon), true));
        geoms.push_back(OGRGeometry::ToHandle(owned.back().get()));
        values.push_back(s.value);
    }
    int band_list[1] = {1};
    if (!geoms.empty() &&
        GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, band_list,
                                static_cast<int>(geoms.size()), geoms.data(), nullptr, nullptr,
                                values.data(), nullptr, nullptr, nullptr) != CE_None) {
        throw GdalError(path + ": rasterising failed: " + last_gdal_message());
    }
    StagedOutput staged(path, OutputKind::File, overwrite);
    const std::string& temp = staged.path();
    auto* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* options[] = {"COMPRESS=DEFLATE", "TILED=YES", nullptr};
    CPLErrorReset();
    GDALDataset* out = gtiff->CreateCopy(temp.c_str(), ds.get(), FALSE, const_cast<char**>(options),
                                         nullptr, nullptr);
    if (!out) {
        throw GdalError(path + ": cannot write the GeoTIFF (" + last_gdal_message() +
                        "); check that the folder is writable and has space");
    }
    CPLErrorReset();
    GDALClose(out);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        throw GdalError(path + ": writing the GeoTIFF failed (" + last_gdal_message() +
                        "); is the disk full? free space and run again");
    }
    // Read the last block back: a file cut short by a full disk fails here.
    std::unique_ptr<GDALDataset> back(
        GDALDataset::Open(temp.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    std::vector<float> row(static_cast<std::size_t>(nx));
    if (!back || back->GetRasterXSize() != nx || back->GetRasterYSize() != ny ||
        back->GetRasterBand(1)->RasterIO(GF_Read, 0, ny - 1, nx, 1, row.data(), nx, 1, GDT_Float32,
                                         0, 0) != CE_None) {
        throw GdalError(
            path +
            ": the GeoTIFF written is incomplete; is the disk full? free space and run again");
    }
    back.reset();
    staged.commit();
}

double raster_value_at(const std::string& path, const Point& p) {
    ensure_gdal();
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw InputError(path + ": not a raster GDAL can read");
    double gt[6];
    ds->GetGeoTransform(gt);
    const int x = static_cast<int>(std::floor((p.x - gt[0]) / gt[1]));
    const int y = static_cast<int>(std::floor((p.y - gt[3]) / gt[5]));
    float v = 0;
    if (x < 0 || y < 0 || x >= ds->GetRasterXSize() || y >= ds->GetRasterYSize())
        return std::nan("");
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, x, y, 1, 1, &v, 1, 1, GDT_Float32, 0, 0) != CE_None)
        throw GdalError(path + ": cannot read a cell");
    return v;
}

// ---------------------------------------------------------------------------------------------
// Writing

std::string driver_for_path(const std::string& path) {
    const std::string ext = to_lower_ascii(fs::path(path).extension().string());
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".fgb") return "FlatGeobuf";
    if (ext == ".csv") return "CSV";
    if (ext == ".xlsx") return "XLSX";
    if (ext == ".kml") return "KML";
    return {};
}

LayerWriter::LayerWriter(void* layer, std::string name, std::vector<FieldDef> fields, GeomKind kind,
                         bool multi, std::shared_ptr<long long> written)
    : m_layer(layer),
      m_name(std::move(name)),
      m_fields(std::move(fields)),
      m_kind(kind),
      m_multi(multi),
      m_written(std::move(written)) {}

void LayerWriter::write(const std::vector<FieldValue>& values, const GeometryValue* geometry) {
    auto* layer = as_layer(m_layer);
    OGRFeature feature(layer->GetLayerDefn());
    for (std::size_t i = 0; i < values.size() && i < m_fields.size(); ++i) {
        const int idx = static_cast<int>(i);
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>) {
                    feature.SetFieldNull(idx);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    feature.SetField(idx, v.c_str());
                } else if constexpr (std::is_same_v<T, long long>) {
                    feature.SetField(idx, static_cast<GIntBig>(v));
                } else {
                    feature.SetField(idx, v);
                }
            },
            values[i]);
    }
    if (geometry && geometry->kind != GeomKind::None) {
        auto g = to_ogr(*geometry, m_multi);
        feature.SetGeometryDirectly(g.release());
    }
    CPLErrorReset();
    if (layer->CreateFeature(&feature) != OGRERR_NONE) {
        throw GdalError("cannot write a feature to layer '" + m_name + "': " + last_gdal_message());
    }
    ++*m_written;
}

VectorSink VectorSink::create(const std::string& path, const std::string& driver_name,
                              bool overwrite) {
    ensure_gdal();
    auto* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) throw GdalError("GDAL has no driver '" + driver_name + "'");
    VectorSink sink;
    sink.m_path = path;
    sink.m_driver = driver_name;
    // A Shapefile is several files (.shp, .shx, .dbf, .prj, .cpg), a CSV may have a .csvt: they
    // are built together and moved out sidecars first.
    const bool sidecars = driver_name == "ESRI Shapefile" || driver_name == "CSV";
    sink.m_output = std::make_unique<StagedOutput>(
        path, sidecars ? OutputKind::Sidecars : OutputKind::File, overwrite);
    CPLErrorReset();
    GDALDataset* ds = driver->Create(sink.m_output->path().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds) {
        throw GdalError(path + ": cannot create (" + last_gdal_message() +
                        "); check that the folder is writable");
    }
    sink.m_dataset = std::unique_ptr<void, void (*)(void*)>(ds, [](void* p) { GDALClose(p); });
    return sink;
}

VectorSink::~VectorSink() { discard(); }
VectorSink::VectorSink(VectorSink&&) noexcept = default;
VectorSink& VectorSink::operator=(VectorSink&&) noexcept = default;

void VectorSink::discard() {
    m_dataset.reset();
    m_output.reset();  // removes the temporary unless committed
}

LayerWriter VectorSink::create_layer(const std::string& name, const Crs* crs, GeomKind kind,
                                     bool multi, const std::vector<FieldDef>& fields,
                                     const std::vector<std::string>& options) {
    auto* ds = as_dataset(m_dataset.get());
    OGRSpatialReference srs;
    const bool has_srs = crs && crs->known() && srs.importFromWkt(crs->wkt.c_str()) == OGRERR_NONE;
    if (has_srs) srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRwkbGeometryType type = wkbNone;
    switch (kind) {
        case GeomKind::Point:
            type = wkbPoint;
            break;
        case GeomKind::Line:
            type = multi ? wkbMultiLineString : wkbLineString;
            break;
        case GeomKind::Polygon:
            type = multi ? wkbMultiPolygon : wkbPolygon;
            break;
        case GeomKind::None:
            type = wkbNone;
            break;
    }
    std::vector<std::string> all_options = options;
    if (m_driver == "CSV") {
        // GDAL 3.6 quotes integer columns as if they were text unless told otherwise; the .csvt
        // sidecar keeps text columns such as commune codes text when the file is read back.
        all_options.push_back("STRING_QUOTING=IF_NEEDED");
        all_options.push_back("CREATE_CSVT=YES");
    }
    std::vector<const char*> opts;
    for (const auto& o : all_options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    CPLErrorReset();
    OGRLayer* layer = ds->CreateLayer(name.c_str(), has_srs ? &srs : nullptr, type,
                                      const_cast<char**>(opts.data()));
    if (!layer) {
        throw GdalError(m_path + ": cannot create layer '" + name + "': " + last_gdal_message());
    }
    for (const auto& f : fields) {
        OGRFieldType t = OFTString;
        if (f.type == FieldDef::Type::Integer)
            t = OFTInteger;  // CSV quotes Integer64 values as text
        if (f.type == FieldDef::Type::Real) t = OFTReal;
        OGRFieldDefn defn(f.name.c_str(), t);
        if (layer->CreateField(&defn) != OGRERR_NONE) {
            throw GdalError(m_path + ": cannot create field '" + f.name + "' in layer '" + name +
                            "': " + last_gdal_message());
        }
    }
    m_written.push_back(std::make_shared<long long>(0));
    return LayerWriter(layer, name, fields, kind, multi, m_written.back());
}

void VectorSink::begin_transaction() {
    auto* ds = as_dataset(m_dataset.get());
    if (ds->TestCapability(ODsCTransactions) && ds->StartTransaction() == OGRERR_NONE)
        m_in_transaction = true;
}

void VectorSink::commit_transaction() {
    if (!m_in_transaction) return;
    m_in_transaction = false;
    if (as_dataset(m_dataset.get())->CommitTransaction() != OGRERR_NONE) {
        throw GdalError(m_path + ": cannot commit a transaction: " + last_gdal_message());
    }
}

void VectorSink::commit() {
    commit_transaction();
    CPLErrorReset();
    GDALDataset* ds = as_dataset(m_dataset.release());
    // GDAL 3.6's GDALClose returns nothing: a failed flush (a full disk) shows as an error.
    GDALClose(ds);
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        m_output.reset();
        throw GdalError(m_path + ": writing failed: " + last_gdal_message() +
                        "; is the disk full? free space and run again");
    }
    // Some drivers (GeoJSON, XLSX) do not report a failed write: read the file back and count.
    long long written = 0;
    for (const auto& n : m_written) written += *n;
    const char* drivers[] = {m_driver.c_str(), nullptr};
    std::unique_ptr<GDALDataset> back(
        GDALDataset::Open(m_output->path().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                          m_driver == "LIBKML" ? nullptr : drivers, nullptr, nullptr));
    const bool opened = back != nullptr;
    long long read = 0;
    for (int i = 0; back && i < back->GetLayerCount(); ++i)
        read += back->GetLayer(i)->GetFeatureCount(TRUE);
    back.reset();
    if ((!opened && !m_written.empty()) || read < written) {
        m_output.reset();
        throw GdalError(m_path + ": the file written is incomplete (" + std::to_string(read) +
                        " of " + std::to_string(written) +
                        " features read back); is the disk full? free space and run again");
    }
    m_output->commit();
    m_output.reset();
}

}  // namespace ntm::geo
