#pragma once
// Observed aggregates of a programme's progress, per area and year (docs/formats.md,
// "Observed progress"), and the measures the simulation computes to compare with them.
// Thread contract: plain values; any number of threads may read them.
#include <string>
#include <vector>

namespace ntm::calibrate {

// What is counted, over the communes assessed (townships are not):
//   communes                 assessed communes (a check that the area is the one observed)
//   at_standard              communes recognised NTM by the end of the year (reached the standard
//                            then or before)
//   mean_met                 mean number of criteria met per commune
//   met_L_H                  communes meeting L to H criteria (inclusive), e.g. met_5_9
//   criterion_ID             communes meeting criterion ID, e.g. criterion_2
// Each count has a share form, share_<count> (e.g. share_at_standard): the count ÷ communes.
struct Measure {
    enum class Kind { Communes, AtStandard, MeanMet, MetBetween, Criterion };
    Kind kind = Kind::AtStandard;
    bool share = false;
    int low = 0, high = 0;  // MetBetween
    std::string criterion;  // Criterion
    std::string name() const;
    // The same measure as a count (share = false).
    Measure count_form() const;
    bool operator==(const Measure&) const = default;
};

// Parses a measure name; nullopt-like failure is reported by the caller with its place, so this
// returns false and leaves `out` unspecified on an unknown name.
bool parse_measure(const std::string& name, Measure& out);
// The measure names, for error messages and --help.
std::string measure_help();

struct Observation {
    std::string area;
    int year = 0;
    Measure measure;
    double value = 0;
    std::string source;  // free text: where the figure comes from, and whether it is derived
    long long line = 0;  // line in the file, for messages
    int month = 12;      // the end of which month (`year` column YYYY-MM); 12: the year's end
    // In years, on a scale where the end of year Y is Y: the end of September 2016 is 2015.75.
    double time() const { return year - 1 + month / 12.0; }
    std::string when() const;  // "2014" or "2016-09"
};

// "2014" for a year's end, "2016-09" for the end of a month.
std::string when(int year, int month);

struct ObservedSeries {
    std::string path;
    std::vector<Observation> rows;           // file order
    std::vector<std::string> areas() const;  // distinct, in file order
};

// Reads an observed-progress CSV through GDAL's CSV driver. Columns (header names,
// case-insensitive; others are ignored): area, year, measure, value, and optionally source.
// `year` is a year (the figure at its end) or YYYY-MM (at the end of that month).
// Throws InputError naming the file, line and field on a missing column, an empty or
// non-numeric value, an unknown measure, a share outside [0, 1], or a (area, year, measure)
// given twice.
ObservedSeries read_observed(const std::string& path);

}  // namespace ntm::calibrate
