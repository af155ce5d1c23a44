#include "calibrate/ensemble.h"

#include <omp.h>

#include <algorithm>

#include "core/error.h"
#include "sim/engine.h"

namespace ntm::calibrate {

std::vector<double> Ensemble::column(std::size_t p) const {
    std::vector<double> out(draws);
    for (std::size_t d = 0; d < draws; ++d) out[d] = values[d * points.size() + p];
    return out;
}

double Ensemble::mean(std::size_t p) const {
    double s = 0;
    for (std::size_t d = 0; d < draws; ++d) s += values[d * points.size() + p];
    return draws ? s / draws : 0;
}

double Ensemble::covariance(std::size_t a, std::size_t b) const {
    if (draws < 2) return 0;
    const double ma = mean(a), mb = mean(b);
    double s = 0;
    for (std::size_t d = 0; d < draws; ++d)
        s += (values[d * points.size() + a] - ma) * (values[d * points.size() + b] - mb);
    return s / (draws - 1);
}

namespace {

std::size_t assessed_count(const sim::SimInput& in) {
    return static_cast<std::size_t>(
        std::count_if(in.communes.begin(), in.communes.end(),
                      [](const sim::CommuneInput& c) { return c.assessed; }));
}

double as_share(const sim::SimInput& in, const Measure& m, double count) {
    if (!m.share) return count;
    const auto n = assessed_count(in);
    return n ? count / static_cast<double>(n) : 0;
}

// Index of criterion `id` in the set; throws UsageError when it has none.
std::size_t criterion_index(const sim::SimInput& in, const std::string& id) {
    for (std::size_t j = 0; j < in.set->criteria.size(); ++j)
        if (in.set->criteria[j].id == id) return j;
    throw UsageError("measure criterion_" + id + ": criteria set " + in.set->id +
                     " has no criterion '" + id + "'");
}

// The measure of one draw's aggregate (draws = 1) in year index y.
double draw_value(const sim::SimInput& in, const sim::Aggregate& a, const Measure& m, std::size_t y,
                  std::size_t criterion) {
    const std::size_t nj = a.criteria;
    double count = 0;
    double met_sum = 0;
    std::size_t n = 0;
    for (std::size_t c = 0; c < a.communes; ++c) {
        if (!in.communes[c].assessed) continue;
        ++n;
        const std::uint32_t* hist = &a.met_hist[a.cy(c, y) * (nj + 1)];
        switch (m.kind) {
            case Measure::Kind::Communes:
                count += 1;
                break;
            case Measure::Kind::AtStandard:
                count += a.reached[a.cy(c, y)];
                break;
            case Measure::Kind::MeanMet:
                for (std::size_t k = 0; k <= nj; ++k) met_sum += static_cast<double>(k * hist[k]);
                break;
            case Measure::Kind::MetBetween:
                for (std::size_t k = static_cast<std::size_t>(m.low);
                     k <= std::min<std::size_t>(static_cast<std::size_t>(m.high), nj); ++k)
                    count += hist[k];
                break;
            case Measure::Kind::Criterion:
                count += a.criterion_met[a.cy(c, y) * nj + criterion];
                break;
        }
    }
    if (m.kind == Measure::Kind::MeanMet) return n ? met_sum / static_cast<double>(n) : 0;
    return as_share(in, m, count);
}

void check_point(const sim::SimInput& in, const Point& p) {
    const int first = p.month < 12 ? p.year - 1 : p.year;  // the year ends the value needs
    if (first < in.start - 1 || p.year >= in.start + in.years)
        throw UsageError(p.measure.name() + " in " + when(p.year, p.month) +
                         ": outside the simulated period " + std::to_string(in.start) + "–" +
                         std::to_string(in.start + in.years - 1) + " (and its starting state, " +
                         std::to_string(in.start - 1) + ")");
    if (p.measure.kind == Measure::Kind::Criterion) {
        criterion_index(in, p.measure.criterion);
        if (first < in.start)
            throw UsageError(p.measure.name() + " in " + when(p.year, p.month) +
                             ": per-criterion measures are not available " +
                             "for the starting state (" + std::to_string(in.start - 1) + ")");
    }
}

}  // namespace

double initial_value(const sim::SimInput& in, const Measure& m) {
    const int nj = static_cast<int>(in.criteria_count());
    double count = 0, met_sum = 0;
    std::size_t n = 0;
    for (const auto& c : in.communes) {
        if (!c.assessed) continue;
        ++n;
        switch (m.kind) {
            case Measure::Kind::Communes:
                count += 1;
                break;
            case Measure::Kind::AtStandard:
                count += c.met_at_start == nj;
                break;
            case Measure::Kind::MeanMet:
                met_sum += c.met_at_start;
                break;
            case Measure::Kind::MetBetween:
                count += c.met_at_start >= m.low && c.met_at_start <= m.high;
                break;
            case Measure::Kind::Criterion:
                throw UsageError(
                    m.name() +
                    ": per-criterion measures are not available for the starting state (" +
                    std::to_string(in.start - 1) + "); observe them from " +
                    std::to_string(in.start) + " on");
        }
    }
    if (m.kind == Measure::Kind::MeanMet) return n ? met_sum / static_cast<double>(n) : 0;
    return as_share(in, m, count);
}

Ensemble simulate_ensemble(const sim::SimInput& in, const std::vector<Point>& points,
                           std::uint32_t first, std::uint32_t count) {
    Ensemble e;
    e.points = points;
    e.draws = count;
    e.values.assign(std::size_t{count} * points.size(), 0);
    std::vector<std::size_t> crit(points.size(), 0);
    std::vector<double> start_value(points.size(), 0);
    for (std::size_t p = 0; p < points.size(); ++p) {
        check_point(in, points[p]);
        if (points[p].measure.kind == Measure::Kind::Criterion)
            crit[p] = criterion_index(in, points[p].measure.criterion);
        if (points[p].year - (points[p].month < 12) == in.start - 1)
            start_value[p] = initial_value(in, points[p].measure);
    }
    const sim::Aggregate blank(in);
#pragma omp parallel
    {
        sim::DrawRunner runner(in);
        sim::Aggregate one;
#pragma omp for schedule(dynamic, 1)
        for (long long d = 0; d < static_cast<long long>(count); ++d) {
            one = blank;
            runner.run(first + static_cast<std::uint32_t>(d), one);
            double* row = &e.values[static_cast<std::size_t>(d) * points.size()];
            auto at_year_end = [&](std::size_t p, int year) {
                const int y = year - in.start;
                return y < 0 ? start_value[p]
                             : draw_value(in, one, points[p].measure, static_cast<std::size_t>(y),
                                          crit[p]);
            };
            for (std::size_t p = 0; p < points.size(); ++p) {
                const auto& pt = points[p];
                if (pt.month == 12) {
                    row[p] = at_year_end(p, pt.year);
                } else {  // between the ends of the year before and of the year
                    const double w = pt.month / 12.0;
                    row[p] = (1 - w) * at_year_end(p, pt.year - 1) + w * at_year_end(p, pt.year);
                }
            }
        }
    }
    return e;
}

}  // namespace ntm::calibrate
