#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "report/export.h"

namespace po = boost::program_options;

namespace ntm::cli {

int cmd_export(const Args& args) {
    po::options_description opts(
        "ntmsim export OUTDIR/SCENARIO --format FORMAT -o PATH\n"
        "ntmsim export CMPDIR --format FORMAT -o PATH\n\n"
        "Hands results to GIS tools and to people. Formats:\n"
        "  gpkg     GeoPackage with QGIS styles (communes by P(standard), works by year)\n"
        "  geojson  RFC 7946 (WGS 84): a folder of layers, or the communes if PATH ends in "
        ".geojson\n"
        "  shp      Shapefiles (UTF-8 .cpg, short field names): a folder of layers\n"
        "  fgb      FlatGeobuf: a folder of layers, or the communes if PATH ends in .fgb\n"
        "  csv      the tables, as a folder\n"
        "  xlsx     one formatted sheet per table, in Vietnamese (--lang en for English)\n"
        "  tif      GeoTIFF of a commune measure (--measure, --year) at --cell metres\n"
        "  kml      the communes for Google Earth\n"
        "  png, svg a map of a commune measure with legend, scale bar and north arrow\n"
        "  html     a report with maps, charts and the key tables that opens offline\n\n"
        "Outputs are written to a temporary name and renamed into place; an existing output is\n"
        "replaced only with --overwrite.\n\nOptions");
    std::string folder, format, output, measure = "p_standard", lang = "en";
    int year = 0;
    double cell = 100;
    opts.add_options()("help,h", "show this help")(
        "format", po::value(&format), "output format (see above)")("output,o", po::value(&output),
                                                                   "output file or folder")(
        "year", po::value(&year), "the year to map or rasterise (default: the last)")(
        "measure", po::value(&measure), "p_standard (default), criteria_met or median_year")(
        "cell", po::value(&cell), "GeoTIFF cell size in metres (default 100)")(
        "lang", po::value(&lang),
        "en or vi: the words of maps, reports and workbooks (default: en; vi for xlsx)")(
        "overwrite", "replace an existing output");
    po::variables_map vm;
    if (!parse_args(args, opts, "folder", po::value(&folder), 1, vm)) return kExitOk;
    if (folder.empty())
        throw UsageError(
            "give a results folder: ntmsim export OUTDIR/SCENARIO --format gpkg -o PATH");
    if (format.empty()) throw UsageError("give --format");
    if (lang != "en" && lang != "vi") throw UsageError("--lang is en or vi");
    report::ExportOptions o;
    o.format = report::parse_export_format(format);
    o.output = output;
    o.year = year;
    o.measure = measure;
    o.cell_size = cell;
    // A workbook is handed on in Vietnamese unless English is asked for.
    o.lang = !vm.count("lang") && o.format == report::ExportFormat::Xlsx ? "vi" : lang;
    o.overwrite = vm.count("overwrite") > 0;
    std::printf("%s\n", report::export_results(folder, o).c_str());
    return kExitOk;
}

}  // namespace ntm::cli
