// The greedy schedule (the solver's starting solution) and the check of what no money can reach.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "core/text.h"
#include "plan/cover.h"
#include "plan/optimise.h"

namespace ntm::plan {

namespace {

std::size_t uz(int v) { return static_cast<std::size_t>(v); }

// How much work w moves indicator i towards its threshold in year y (in units of D0).
double gain(const Problem& p, std::size_t w, std::size_t i, int y) {
    const auto& ind = p.indicators[i];
    const double t = ind.threshold[uz(y)];
    double a = 0;
    for (const auto& e : p.works[w].effects)
        if (e.indicator == i) a += ind.ge ? e.dx - t * e.dD : t * e.dD - e.dx;
    return a / indicator_scale(ind);
}

bool criterion_met(const Problem& p, const Schedule& s, std::size_t j, int y) {
    const auto& cr = p.criteria[j];
    for (const auto i : cr.indicators)
        if (!indicator_met(p, s, i, y)) return false;
    if (!cr.soft_open) return true;
    int pushed = 0;
    for (int t = 0; t <= y; ++t) pushed += s.pushed[j][uz(t)] != 0;
    return cr.soft_possible && pushed >= cr.lead_years;
}

class Greedy {
 public:
    explicit Greedy(const Problem& p) : m_p(p) {
        m_s.work_year.assign(p.works.size(), -1);
        m_s.pushed.assign(p.criteria.size(), std::vector<char>(uz(p.years), 0));
        m_started.assign(p.communes.size(), std::vector<double>(uz(p.years), 0.0));
        m_by_indicator.resize(p.indicators.size());
        for (std::size_t w = 0; w < p.works.size(); ++w)
            for (const auto& e : p.works[w].effects) m_by_indicator[e.indicator].push_back(w);
    }

    // Closes criterion j by the end of year y on a copy; returns false (and changes nothing) when
    // it cannot.
    bool close(std::size_t j, int y, Schedule& s, std::vector<std::vector<double>>& started) const {
        const auto& cr = m_p.criteria[j];
        if (criterion_met(m_p, s, j, y)) return true;
        const int pay_by = y - m_p.lag;
        for (const auto i : cr.indicators) {
            if (indicator_met(m_p, s, i, y)) continue;
            if (!m_p.indicators[i].measurable) return false;
            // Unpaid works that help: the cheapest cover of what is missing first (cover.h), then,
            // should capacity leave some of it out, the others by the most gain per bn.
            std::vector<std::size_t> helps;
            for (const auto w : m_by_indicator[i])
                if (s.work_year[w] < 0 && gain(m_p, w, i, y) > 0 && m_p.works[w].earliest <= pay_by)
                    helps.push_back(w);
            std::vector<char> in_cover(helps.size(), 0);
            for (const auto n : cover_of(i, y, s, helps).chosen) in_cover[n] = 1;
            std::vector<std::size_t> order(helps.size());
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                if (in_cover[a] != in_cover[b]) return in_cover[a] > in_cover[b];
                return gain(m_p, helps[a], i, y) * std::max(m_p.works[helps[b]].cost_bn, 1e-12) >
                       gain(m_p, helps[b], i, y) * std::max(m_p.works[helps[a]].cost_bn, 1e-12);
            });
            for (const auto n : order) {
                const auto w = helps[n];
                if (indicator_met(m_p, s, i, y)) break;
                const auto& wk = m_p.works[w];
                // As late as capacity allows: money paid later leaves more for the years before.
                int year = -1;
                for (int t = pay_by; t >= std::max(0, wk.earliest); --t)
                    if (started[wk.commune][uz(t)] + wk.cost_bn <=
                        m_p.communes[wk.commune].capacity_bn + 1e-9) {
                        year = t;
                        break;
                    }
                if (year < 0) continue;
                s.work_year[w] = year;
                started[wk.commune][uz(year)] += wk.cost_bn;
            }
            if (!indicator_met(m_p, s, i, y)) return false;
        }
        if (cr.soft_open) {
            if (!cr.soft_possible) return false;
            int pushed = 0;
            for (int t = 0; t <= y; ++t) pushed += s.pushed[j][uz(t)] != 0;
            for (int t = y; t >= 0 && pushed < cr.lead_years; --t)
                if (!s.pushed[j][uz(t)]) {
                    s.pushed[j][uz(t)] = 1;
                    ++pushed;
                }
            if (pushed < cr.lead_years) return false;
        }
        return true;
    }

    double cost_of(const Schedule& s) const {
        double c = 0;
        for (std::size_t w = 0; w < m_p.works.size(); ++w)
            if (s.work_year[w] >= 0) c += m_p.works[w].cost_bn;
        for (std::size_t j = 0; j < m_p.criteria.size(); ++j)
            for (const char v : s.pushed[j]) c += v ? m_p.criteria[j].cost_per_year : 0.0;
        return c;
    }

    void target(const Target& t) {
        const auto& crit = m_p.communes[t.commune].criteria;
        if (t.min_count > 0) {
            // The cheapest criteria to close by the year of the count, one at a time.
            int met = 0;
            for (const auto j : crit) met += criterion_met(m_p, m_s, j, t.min_count_by);
            while (met < t.min_count) {
                double best = INFINITY;
                Schedule best_s;
                std::vector<std::vector<double>> best_started;
                for (const auto j : crit) {
                    if (criterion_met(m_p, m_s, j, t.min_count_by)) continue;
                    Schedule s = m_s;
                    auto started = m_started;
                    if (!close(j, t.min_count_by, s, started)) continue;
                    const double c = cost_of(s);
                    if (c < best) {
                        best = c;
                        best_s = std::move(s);
                        best_started = std::move(started);
                    }
                }
                if (!std::isfinite(best)) break;
                m_s = std::move(best_s);
                m_started = std::move(best_started);
                met = 0;
                for (const auto j : crit) met += criterion_met(m_p, m_s, j, t.min_count_by);
            }
        }
        for (const auto j : crit) {
            Schedule s = m_s;
            auto started = m_started;
            if (close(j, t.by, s, started)) {
                m_s = std::move(s);
                m_started = std::move(started);
            }
        }
    }

    Schedule result() const { return m_s; }

 private:
    // The cheapest cover of what indicator i misses in year y with the works of `s`, over the
    // works `helps`; kept, since choosing the criteria of a count closes the same ones often.
    const Cover& cover_of(std::size_t i, int y, const Schedule& s,
                          const std::vector<std::size_t>& helps) const {
        // Met once the slack is at least -kIndicatorTolerance (indicator_met()).
        const double shortfall = -indicator_slack(m_p, s, i, y) - kIndicatorTolerance;
        const auto key = std::make_tuple(i, y, shortfall, helps);
        auto it = m_covers.find(key);
        if (it == m_covers.end()) {
            std::vector<CoverItem> items;
            for (const auto w : helps) items.push_back({gain(m_p, w, i, y), m_p.works[w].cost_bn});
            it = m_covers.emplace(key, cheap_cover(items, shortfall)).first;
        }
        return it->second;
    }

    mutable std::map<std::tuple<std::size_t, int, double, std::vector<std::size_t>>, Cover>
        m_covers;
    const Problem& m_p;
    Schedule m_s;
    std::vector<std::vector<double>> m_started;  // [commune][year]: cost of works started
    std::vector<std::vector<std::size_t>> m_by_indicator;
};

}  // namespace

Schedule greedy_schedule(const Problem& p, const std::vector<char>& skip) {
    std::vector<std::size_t> order(p.targets.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto ka = p.targets[a].min_count > 0 ? p.targets[a].min_count_by : p.targets[a].by;
        const auto kb = p.targets[b].min_count > 0 ? p.targets[b].min_count_by : p.targets[b].by;
        return ka < kb;
    });
    Greedy g(p);
    for (const auto k : order)
        if (k >= skip.size() || !skip[k]) g.target(p.targets[k]);
    return g.result();
}

std::vector<std::string> unreachable_targets(const Problem& p) {
    Schedule all;
    all.work_year.assign(p.works.size(), -1);
    for (std::size_t w = 0; w < p.works.size(); ++w)
        // A work dearer than its commune's yearly capacity can never be started.
        if (std::max(0, p.works[w].earliest) + p.lag < p.years &&
            p.works[w].cost_bn <= p.communes[p.works[w].commune].capacity_bn + 1e-9)
            all.work_year[w] = std::max(0, p.works[w].earliest);
    all.pushed.assign(p.criteria.size(), std::vector<char>(uz(p.years), 1));
    std::vector<std::string> out;
    for (const auto& t : p.targets) {
        const auto& commune = p.communes[t.commune];
        std::string why;
        auto first_missing = [&](int y) {
            for (const auto j : commune.criteria) {
                if (criterion_met(p, all, j, y)) continue;
                const auto& cr = p.criteria[j];
                for (const auto i : cr.indicators) {
                    if (indicator_met(p, all, i, y)) continue;
                    const auto& ind = p.indicators[i];
                    return "criterion " + cr.id + ": indicator " + ind.id +
                           (ind.measurable ? " stays short of its threshold even with every "
                                             "candidate work built"
                                           : " is not measured in the data (no works can meet it)");
                }
                if (cr.soft_open && !cr.soft_possible)
                    return "criterion " + cr.id + ": its status part has no programme";
                return "criterion " + cr.id + ": its programme needs " +
                       std::to_string(cr.lead_years) + " years of effort";
            }
            return std::string();
        };
        if (t.min_count > 0) {
            int met = 0;
            for (const auto j : commune.criteria) met += criterion_met(p, all, j, t.min_count_by);
            if (met < t.min_count)
                why = "at most " + std::to_string(met) + " criteria can be met by the end of " +
                      std::to_string(p.start + t.min_count_by) + " (" +
                      std::to_string(t.min_count) + " asked)";
        }
        if (why.empty()) {
            bool reached = false;
            for (int y = 0; y <= t.by && !reached; ++y) {
                bool all_met = true;
                for (const auto j : commune.criteria)
                    all_met = all_met && criterion_met(p, all, j, y);
                reached = all_met;
            }
            if (!reached)
                why = first_missing(t.by) + " by the end of " + std::to_string(p.start + t.by);
        }
        out.push_back(why);
    }
    return out;
}

}  // namespace ntm::plan
