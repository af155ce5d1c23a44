#include "calibrate/backtest.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace ntm::calibrate {

std::vector<Observation> training_rows(const ObservedSeries& observed, const std::string& area,
                                       int until) {
    std::vector<Observation> out;
    for (const auto& o : observed.rows)
        if (o.area == area && o.year <= until) out.push_back(o);
    return out;
}

void check_train_until(const scenario::Scenario& s, int train_until) {
    const std::string arg = "--train-until " + std::to_string(train_until);
    if (train_until >= s.end)
        throw InputError(arg + ": no years left to forecast: the scenario's period ends in " +
                         std::to_string(s.end) + "; train on earlier years (at most " +
                         std::to_string(s.end - 1) + ") or extend period.end in " + s.path);
    if (train_until < s.start - 1)
        throw InputError(arg + ": before the scenario's starting state (" +
                         std::to_string(s.start - 1) + "): nothing to train on");
}

std::vector<Observation> fit_targets(const std::vector<Observation>& rows, int start) {
    std::vector<Observation> out;
    for (const auto& o : rows) {
        if (o.year < start || o.measure.kind == Measure::Kind::Communes) continue;
        // A count and its share form at the same time are one moment: fitted once, as the share
        // (which does not depend on the study area having exactly the observed number of communes).
        const auto twin = std::find_if(out.begin(), out.end(), [&](const Observation& x) {
            return x.year == o.year && x.month == o.month &&
                   x.measure.count_form() == o.measure.count_form();
        });
        if (twin == out.end()) {
            out.push_back(o);
        } else if (o.measure.share) {
            *twin = o;
        }
    }
    return out;
}

SkillSummary summarise(const std::vector<Scored>& scored, int which) {
    SkillSummary s;
    double rel = 0, covered = 0;
    int rel_n = 0;
    for (const auto& p : scored) {
        std::optional<double> f;
        if (which == 0) f = p.model.median;
        if (which == 1) f = p.last;
        if (which == 2) f = p.trend;
        if (!f) continue;
        ++s.points;
        const double err = std::abs(*f - p.observed.value);
        s.mean_abs_error += err;
        // A point forecast's CRPS is its absolute error.
        s.mean_crps += which == 0 ? p.model.crps : err;
        if (const auto r = relative_error(*f, p.observed.value)) {
            rel += *r;
            ++rel_n;
        }
        covered += p.covered;
    }
    if (s.points == 0) return s;
    s.mean_abs_error /= s.points;
    s.mean_crps /= s.points;
    if (rel_n) s.mean_rel_error = rel / rel_n;
    if (which == 0) s.coverage = covered / s.points;
    return s;
}

namespace {

// The study area's history of a measure: its own training rows of that measure, or of its
// count/share twin converted with the area's number of communes.
std::vector<YearValue> history(const std::vector<Observation>& train, const Measure& m,
                               double communes) {
    std::vector<YearValue> h;
    for (const auto& o : train) {
        if (o.measure == m) {
            h.push_back({o.time(), o.value});
        } else if (o.measure.count_form() == m.count_form() && communes > 0) {
            h.push_back({o.time(), m.share ? o.value / communes : o.value * communes});
        }
    }
    return h;
}

// The straight line through the history, kept within what the measure can be: a count of
// communes between 0 and the area's communes, a share between 0 and 1, a mean at least 0.
std::optional<double> bounded_trend(const std::vector<YearValue>& h, double year, const Measure& m,
                                    double communes) {
    const double high = m.share ? 1.0
                        : (m.kind != Measure::Kind::MeanMet && communes > 0)
                            ? communes
                            : std::numeric_limits<double>::infinity();
    return linear_trend(h, year, 0.0, high);
}

}  // namespace

BacktestResult backtest(const Model& model, const scenario::Scenario& base,
                        const std::vector<Param>& params, const ObservedSeries& observed,
                        const BacktestOptions& options) {
    check_train_until(base, options.train_until);
    BacktestResult r;
    const auto train = training_rows(observed, options.area, options.train_until);
    r.fit = fit(model, base, params, fit_targets(train, base.start), options.fit);
    r.calibrated = with_params(base, params, r.fit.values);
    r.first_forecast_year = options.train_until + 1;
    r.last_year = base.end;

    double communes = 0;
    for (const auto& c : model.area->communes) communes += c.kind == CommuneKind::Commune;
    // What to forecast: every measure observed for the area, and the scale-free measures of other
    // areas observed after the training years (proxies); other areas' counts are not comparable.
    auto add_measure = [&](const Measure& m) {
        if (m.kind == Measure::Kind::Communes) return;
        if (std::find(r.measures.begin(), r.measures.end(), m) == r.measures.end())
            r.measures.push_back(m);
    };
    for (const auto& o : observed.rows) {
        if (o.area == options.area) {
            add_measure(o.measure);
        } else if (o.year > options.train_until) {
            if (o.measure.share || o.measure.kind == Measure::Kind::MeanMet) {
                add_measure(o.measure);
            } else {
                r.not_comparable.push_back(o.area + " " + o.when() + " " + o.measure.name());
            }
        }
    }
    // Every year's end of each measure, and the ends of months an observation falls on (scored
    // against the value interpolated between year ends), in time order.
    std::vector<Point> points;
    for (const auto& m : r.measures) {
        std::vector<Point> these;
        for (int y = base.start - 1; y <= base.end; ++y)
            if (!(m.kind == Measure::Kind::Criterion && y < base.start))
                these.push_back({m, y, 12});
        for (const auto& o : observed.rows)
            if (o.measure == m && o.month < 12 && o.year >= base.start && o.year <= base.end &&
                !(m.kind == Measure::Kind::Criterion && o.year - 1 < base.start)) {
                const Point p{m, o.year, o.month};
                if (std::find(these.begin(), these.end(), p) == these.end()) these.push_back(p);
            }
        std::stable_sort(these.begin(), these.end(), [](const Point& a, const Point& b) {
            return a.year - 1 + a.month / 12.0 < b.year - 1 + b.month / 12.0;
        });
        points.insert(points.end(), these.begin(), these.end());
    }
    const std::uint32_t draws =
        options.forecast_draws ? options.forecast_draws : static_cast<std::uint32_t>(base.draws);
    // Draw d of the forecast runs with parameter set d mod K: each set gets its own draws, and
    // the pooled ensemble carries both the simulation's and the calibration's uncertainty.
    const std::uint32_t sets = std::clamp<std::uint32_t>(options.parameter_sets, 1, draws);
    r.parameter_sets = parameter_draws(r.fit, sets, base.seed);
    Ensemble e;
    e.points = points;
    e.draws = draws;
    e.values.assign(std::size_t{draws} * points.size(), 0);
    for (std::uint32_t k = 0; k < sets; ++k) {
        // Draws [first, first + count) of the scenario, in one block per set.
        const std::uint32_t first = static_cast<std::uint32_t>(std::uint64_t{draws} * k / sets);
        const std::uint32_t count =
            static_cast<std::uint32_t>(std::uint64_t{draws} * (k + 1) / sets) - first;
        const auto part = run_points(model, with_params(base, params, r.parameter_sets[k]), points,
                                     count, base.end, first);
        std::copy(
            part.values.begin(), part.values.end(),
            e.values.begin() + static_cast<std::ptrdiff_t>(std::size_t{first} * points.size()));
    }
    auto point_index = [&](const Measure& m, int y, int month) -> std::optional<std::size_t> {
        for (std::size_t p = 0; p < points.size(); ++p)
            if (points[p].measure == m && points[p].year == y && points[p].month == month) return p;
        return std::nullopt;
    };
    for (std::size_t p = 0; p < points.size(); ++p) {
        ForecastCell c;
        c.point = points[p];
        const auto col = e.column(p);
        c.median = quantile(col, 0.5);
        c.low = quantile(col, 0.05);
        c.high = quantile(col, 0.95);
        c.mean = e.mean(p);
        if (points[p].year > options.train_until) {
            const auto h = history(train, points[p].measure, communes);
            const double t = points[p].year - 1 + points[p].month / 12.0;
            c.last = last_value(h, t);
            c.trend = bounded_trend(h, t, points[p].measure, communes);
        }
        r.cells.push_back(c);
    }
    for (const auto& o : observed.rows) {
        if (o.year <= options.train_until || o.year > base.end) continue;
        const bool own = o.area == options.area;
        if (!own && !(o.measure.share || o.measure.kind == Measure::Kind::MeanMet)) continue;
        const auto p = point_index(o.measure, o.year, o.month);
        if (!p) continue;
        Scored s;
        s.observed = o;
        s.proxy = !own;
        s.model = score_ensemble(e.column(*p), o.value);
        s.covered = o.value >= s.model.low && o.value <= s.model.high;
        const auto h = history(train, o.measure, communes);
        s.last = last_value(h, o.time());
        s.trend = bounded_trend(h, o.time(), o.measure, communes);
        r.scored.push_back(s);
    }
    for (const bool proxy : {false, true})
        for (const auto& m : r.measures) {
            std::vector<Scored> these;
            for (const auto& x : r.scored)
                if (x.proxy == proxy && x.observed.measure == m) these.push_back(x);
            if (these.empty()) continue;
            BacktestResult::SkillRow row{proxy, m, {}};
            for (int k = 0; k < 3; ++k) row.by[static_cast<std::size_t>(k)] = summarise(these, k);
            r.skill.push_back(row);
        }
    return r;
}

}  // namespace ntm::calibrate
