#pragma once
// Moving a table keyed by unit code (a status table, an assessment, simulation results) from one
// period's units to another's through a crosswalk (docs/units.md):
//  - counts and money (population, households, numerator, denominator, *_bn, *_km, *_ha, …) are
//    summed, each old unit giving its share;
//  - other numbers (shares, probabilities, values, means) are averaged, weighted by the old unit's
//    weight (population or area) times the share it gave;
//  - verdicts (c_*, verdict, met, standard) are met in the new unit only where every
//    part met them; criteria_met / _not_met / _unknown are recounted from the c_* columns;
//  - other text is kept when every part agrees, else "mixed".
// Rows are grouped by the new unit and the table's other key columns (year, criterion,
// indicator, measure, op; and kind, asset, fid in a table of assets, which keep their rows), and
// written sorted by them, whatever the input order.
#include <map>
#include <string>
#include <vector>

#include "units/crosswalk.h"

namespace ntm::units {

struct Table {
    std::string path;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

// Reads a CSV file as text. Throws InputError naming the file when it cannot.
Table read_table(const std::string& path);
// Writes a CSV file (numbers unquoted), replacing it.
void write_table(const Table& t, const std::string& path);
// The unit code column: "code" or "commune_code"; empty when there is none.
std::string code_column(const Table& t);

struct Used {
    const Link* link = nullptr;
    double weight = 0;  // the old unit's weight
};

struct RemapResult {
    Table table;
    std::vector<Used> used;  // every link the table used, in crosswalk order
};

// `weight` by old unit (population or area); a unit not in it weighs by the table's own
// population column when there is one, else 1. Throws InputError naming the file, line, unit and
// period for a unit the crosswalk does not know, and for a code that names another unit in the
// target period (codes reused across periods: the table is not of the crosswalk's old period).
RemapResult remap_table(const Table& in, const Crosswalk& cw,
                        const std::map<UnitKey, double>& weight);

}  // namespace ntm::units
