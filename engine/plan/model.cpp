#include "plan/model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "plan/cover.h"

namespace ntm::plan {

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }
std::size_t uz(int v) { return static_cast<std::size_t>(v); }

// A sparse linear expression: column → coefficient, in column order (the same rows every run).
struct Expr {
    std::map<int, double> terms;
    void add(int col, double a) {
        if (col >= 0 && a != 0) terms[col] += a;
    }
    Mip::Row row(double lo, double hi) const {
        Mip::Row r;
        for (const auto& [c, a] : terms)
            if (a != 0) {
                r.cols.push_back(c);
                r.coefs.push_back(a);
            }
        r.lo = lo;
        r.hi = hi;
        return r;
    }
};

}  // namespace

RoadmapModel::RoadmapModel(const Problem& p) : m_p(p) {
    p.check();
    m_effects.resize(p.indicators.size());
    for (std::size_t w = 0; w < p.works.size(); ++w)
        for (const auto& e : p.works[w].effects) m_effects[e.indicator].emplace_back(w, e);
}

RoadmapModel& RoadmapModel::add_work_decisions() {
    const int last = m_p.years - 1 - m_p.lag;  // paid later, a work would count after the plan
    m_paid.assign(m_p.works.size(), std::vector<int>(uz(m_p.years), -1));
    for (std::size_t w = 0; w < m_p.works.size(); ++w) {
        const auto& wk = m_p.works[w];
        int prev = -1;
        for (int y = std::max(0, wk.earliest); y <= last; ++y) {
            const int col = m_mip.add_col(
                "paid_" + m_p.communes[wk.commune].code + "_" + wk.id + "_" + std::to_string(y), 0,
                1, 0, true);
            m_paid[w][uz(y)] = col;
            m_cost_of_col.resize(m_mip.cols(), 0.0);
            m_cost_of_col[uz(col)] = wk.cost_bn;
            if (prev >= 0) m_mip.add_row({{col, prev}, {1, -1}, 0, kInf});  // once paid, paid
            prev = col;
        }
    }
    return *this;
}

RoadmapModel& RoadmapModel::add_programme_decisions() {
    m_push.assign(m_p.criteria.size(), std::vector<int>(uz(m_p.years), -1));
    for (std::size_t j = 0; j < m_p.criteria.size(); ++j) {
        const auto& cr = m_p.criteria[j];
        if (!cr.soft_open || !cr.soft_possible || cr.lead_years == 0) continue;
        Expr total;
        for (int y = 0; y < m_p.years; ++y) {
            const int col = m_mip.add_col(
                "push_" + m_p.communes[cr.commune].code + "_c" + cr.id + "_" + std::to_string(y), 0,
                1, 0, true);
            m_push[j][uz(y)] = col;
            total.add(col, 1);
        }
        m_mip.add_row(total.row(-kInf, cr.lead_years));  // pushing longer than needed gains nothing
    }
    return *this;
}

int RoadmapModel::built_col(std::size_t w, int y) const {
    if (m_paid.empty()) return -1;
    const int paid_by = std::min(y - m_p.lag, m_p.years - 1 - m_p.lag);
    for (int t = paid_by; t >= 0; --t)
        if (m_paid[w][uz(t)] >= 0) return m_paid[w][uz(t)];
    return -1;
}

void RoadmapModel::criterion_rows(std::size_t j, int y, int v) {
    const auto& cr = m_p.criteria[j];
    const auto yy = uz(y);
    for (const auto i : cr.indicators) {
        const auto& ind = m_p.indicators[i];
        if (!ind.measurable) {
            m_mip.upper[uz(v)] = 0;
            return;
        }
        const double t = ind.threshold[yy];
        const double scale = indicator_scale(ind);
        // Met when g0 + Σ a_w · built_w ≥ 0 (x − t·D for ≥, t·D − x for ≤), in units of D0.
        // The tolerance settle() grants (kIndicatorTolerance of D0) is granted here too: a share
        // that is 1 up to rounding is met in both.
        const double g0 =
            (ind.ge ? ind.x0 - t * ind.D0 : t * ind.D0 - ind.x0) / scale + kIndicatorTolerance;
        Expr lhs, grows_D;
        for (const auto& [w, e] : m_effects[i]) {
            const int col = built_col(w, y);
            lhs.add(col, (ind.ge ? e.dx - t * e.dD : t * e.dD - e.dx) / scale);
            if (e.dD > 0) grows_D.add(col, 1);
        }
        double worst = g0;
        for (const auto& [c, a] : lhs.terms) worst += std::min(0.0, a);
        if (ind.D0 <= 0) {
            // No denominator yet: a work must add one before anything is measured.
            grows_D.add(v, -1);
            m_mip.add_row(grows_D.row(0, kInf));
        }
        if (worst >= 0) continue;  // met whatever is built
        const double big_m = -worst;
        if (worst == g0) {
            // Every work helps: Σ a·built ≥ shortfall·v. A work that alone covers the shortfall
            // counts as just covering it, which leaves the same integer points and a tighter
            // relaxation.
            const double shortfall = -g0;
            std::vector<CoverItem> items;
            Expr cost;
            for (auto& [col, a] : lhs.terms) {
                a = std::min(a, shortfall);
                items.push_back({a, m_cost_of_col[uz(col)]});
                cost.add(col, m_cost_of_col[uz(col)]);
            }
            lhs.add(v, -shortfall);
            m_mip.add_row(lhs.row(0, kInf));
            // What meeting it costs at least (cover.h): the works built by then cost that much.
            // Years with the same threshold and the same works to choose from share the bound.
            const auto key = std::make_tuple(i, t, items.size());
            auto it = m_least_cost.find(key);
            if (it == m_least_cost.end())
                it = m_least_cost.emplace(key, least_cover_cost(items, shortfall)).first;
            const double least = it->second;
            if (std::isfinite(least) && least > 0) {
                cost.add(v, -least);
                m_mip.add_row(cost.row(0, kInf));
            }
            continue;
        }
        lhs.add(v, -big_m);
        m_mip.add_row(lhs.row(-g0 - big_m, kInf));
    }
    if (cr.soft_open) {
        if (!cr.soft_possible) {
            m_mip.upper[uz(v)] = 0;
            return;
        }
        if (cr.lead_years > y + 1) {
            m_mip.upper[uz(v)] = 0;  // not enough years by then, however it is pushed
        } else if (cr.lead_years == y + 1) {
            // Every year so far pushed: one row per year, which the relaxation cannot meet by
            // pushing each year a little.
            for (int t = 0; t <= y; ++t) {
                Expr pushed;
                pushed.add(m_push.empty() ? -1 : m_push[j][uz(t)], 1);
                pushed.add(v, -1);
                m_mip.add_row(pushed.row(0, kInf));
            }
        } else if (cr.lead_years > 0) {
            Expr pushed;
            for (int t = 0; t <= y; ++t) pushed.add(m_push.empty() ? -1 : m_push[j][uz(t)], 1);
            pushed.add(v, -cr.lead_years);
            m_mip.add_row(pushed.row(0, kInf));
        }
    }
}

RoadmapModel& RoadmapModel::add_money_constraints(bool elastic) {
    const int Y = m_p.years;
    const std::size_t nc = m_p.communes.size();
    // What commune c pays in year y: its works newly paid and its programme years.
    std::vector<std::vector<Expr>> pay(nc, std::vector<Expr>(uz(Y)));
    for (std::size_t w = 0; w < m_p.works.size(); ++w) {
        const auto& wk = m_p.works[w];
        for (int y = 0; y < Y; ++y) {
            const int col = m_paid.empty() ? -1 : m_paid[w][uz(y)];
            if (col < 0) continue;
            pay[wk.commune][uz(y)].add(col, wk.cost_bn);
            if (y + 1 < Y && m_paid[w][uz(y + 1)] >= 0)
                pay[wk.commune][uz(y + 1)].add(col, -wk.cost_bn);
        }
    }
    for (std::size_t j = 0; j < m_p.criteria.size(); ++j)
        for (int y = 0; y < Y; ++y)
            if (!m_push.empty() && m_push[j][uz(y)] >= 0)
                pay[m_p.criteria[j].commune][uz(y)].add(m_push[j][uz(y)],
                                                        m_p.criteria[j].cost_per_year);

    const bool credit = !m_p.money.credit_per_year.empty();
    const int R = m_p.money.repay_years;
    m_borrow.assign(uz(Y), -1);
    m_extra.assign(uz(Y), -1);
    std::vector<int> spend_pool(uz(Y)), spend_credit(uz(Y), -1);
    std::vector<double> pooled_in(uz(Y), 0.0);
    for (int y = 0; y < Y; ++y) {
        for (const auto src : scenario::kSources)
            if (is_pooled(src) && !m_p.money.pooled[idx(src)].empty())
                pooled_in[uz(y)] += m_p.money.pooled[idx(src)][uz(y)];
        const std::string ys = std::to_string(y);
        spend_pool[uz(y)] = m_mip.add_col("pool_spent_" + ys, 0, kInf, 0, false);
        if (credit) {
            m_borrow[uz(y)] =
                m_mip.add_col("borrowed_" + ys, 0, m_p.money.credit_per_year[uz(y)], 0, false);
            spend_credit[uz(y)] = m_mip.add_col("credit_spent_" + ys, 0, kInf, 0, false);
        }
        // An extra bn in an early year is worth a little more than one later (it could pay for
        // anything after it), so the least extra money is asked for as late as it is needed.
        if (elastic)
            m_extra[uz(y)] = m_mip.add_col("extra_" + ys, 0, kInf,
                                           kExtraPenalty * (1 + 1e-3 * (Y - 1 - y)), false);
    }
    // The people's money: spent only on its commune's payments, carried over.
    std::vector<std::vector<int>> people(nc, std::vector<int>(uz(Y), -1));
    for (std::size_t c = 0; c < nc; ++c) {
        if (m_p.communes[c].people_per_year <= 0) continue;
        Expr cumulative;
        for (int y = 0; y < Y; ++y) {
            const int col = m_mip.add_col(
                "people_" + m_p.communes[c].code + "_" + std::to_string(y), 0, kInf, 0, false);
            people[c][uz(y)] = col;
            Expr within = pay[c][uz(y)];
            for (auto& [k, a] : within.terms) a = -a;
            within.add(col, 1);
            m_mip.add_row(within.row(-kInf, 0));  // no more than the commune pays that year
            cumulative.add(col, 1);
            m_mip.add_row(cumulative.row(-kInf, m_p.communes[c].people_per_year * (y + 1)));
        }
    }
    Expr pool_cum, credit_cum, debt;
    for (int y = 0; y < Y; ++y) {
        const auto yy = uz(y);
        // What the communes pay beyond their people's money comes from the pool and from credit.
        Expr need;
        for (std::size_t c = 0; c < nc; ++c) {
            for (const auto& [k, a] : pay[c][yy].terms) need.add(k, a);
            need.add(people[c][yy], -1);
        }
        need.add(spend_pool[yy], -1);
        need.add(spend_credit[yy], -1);
        m_mip.add_row(need.row(-kInf, 0));
        // The pool: its money so far (plus any extra) covers its spending and the loans repaid.
        pool_cum.add(spend_pool[yy], 1);
        pool_cum.add(m_extra[yy], -1);
        if (credit)
            for (int t = std::max(0, y - R); t < y; ++t) {
                pool_cum.add(m_borrow[uz(t)], 1.0 / R);
                debt.add(m_borrow[uz(t)], -1.0 / R);
            }
        double in_so_far = 0;
        for (int t = 0; t <= y; ++t) in_so_far += pooled_in[uz(t)];
        m_mip.add_row(pool_cum.row(-kInf, in_so_far));
        if (credit) {
            credit_cum.add(spend_credit[yy], 1);
            credit_cum.add(m_borrow[yy], -1);
            m_mip.add_row(credit_cum.row(-kInf, 0));
            debt.add(m_borrow[yy], 1);
            if (std::isfinite(m_p.money.debt_cap))
                m_mip.add_row(debt.row(-kInf, m_p.money.debt_cap));
        }
    }
    return *this;
}

RoadmapModel& RoadmapModel::add_capacity_constraints() {
    for (std::size_t c = 0; c < m_p.communes.size(); ++c) {
        const double cap = m_p.communes[c].capacity_bn;
        if (!std::isfinite(cap)) continue;
        for (int y = 0; y < m_p.years; ++y) {
            Expr started;
            for (std::size_t w = 0; w < m_p.works.size(); ++w) {
                if (m_p.works[w].commune != c || m_paid.empty() || m_paid[w][uz(y)] < 0) continue;
                started.add(m_paid[w][uz(y)], m_p.works[w].cost_bn);
                if (y > 0) started.add(m_paid[w][uz(y - 1)], -m_p.works[w].cost_bn);
            }
            if (!started.terms.empty()) m_mip.add_row(started.row(-kInf, cap));
        }
    }
    return *this;
}

RoadmapModel& RoadmapModel::add_targets(TargetMode mode, const std::vector<char>& skip) {
    const std::size_t nc = m_p.communes.size();
    m_standard.assign(nc, std::vector<int>(uz(m_p.years), -1));
    m_counted.assign(m_p.targets.size(), {});
    m_target.assign(m_p.targets.size(), -1);
    for (std::size_t k = 0; k < m_p.targets.size(); ++k) {
        if (k < skip.size() && skip[k]) continue;
        const auto& t = m_p.targets[k];
        const auto& commune = m_p.communes[t.commune];
        const bool required = mode == TargetMode::Required;
        const int met = m_mip.add_col("met_" + commune.code + "_by_" + std::to_string(t.by),
                                      required ? 1 : 0, 1, 0, true);
        m_target[k] = met;
        // At the standard in some year up to its deadline (recognised once, kept). When no
        // threshold of the commune is stricter in an earlier year, meeting it earlier means
        // meeting it at the deadline too: the deadline alone is enough (and much easier to solve).
        bool monotone = true;
        for (const auto j : commune.criteria)
            for (const auto i : m_p.criteria[j].indicators) {
                const auto& ind = m_p.indicators[i];
                for (int y = 0; y < t.by; ++y) {
                    const double a = ind.threshold[uz(y)], b = ind.threshold[uz(t.by)];
                    monotone = monotone && (ind.ge ? b <= a : b >= a);
                }
            }
        Expr any;
        for (int y = monotone ? t.by : 0; y <= t.by; ++y) {
            int& col = m_standard[t.commune][uz(y)];
            if (col < 0) {
                col = m_mip.add_col("standard_" + commune.code + "_" + std::to_string(y), 0, 1, 0,
                                    true);
                for (const auto j : commune.criteria) criterion_rows(j, y, col);
            }
            any.add(col, 1);
        }
        any.add(met, -1);
        m_mip.add_row(any.row(0, kInf));
        if (t.min_count > 0) {
            Expr count;
            for (const auto j : commune.criteria) {
                const int col =
                    m_mip.add_col("counted_" + commune.code + "_c" + m_p.criteria[j].id + "_" +
                                      std::to_string(t.min_count_by),
                                  0, 1, 0, true);
                criterion_rows(j, t.min_count_by, col);
                m_counted[k].push_back(col);
                count.add(col, 1);
            }
            count.add(met, -t.min_count);
            m_mip.add_row(count.row(0, kInf));
        }
    }
    return *this;
}

RoadmapModel& RoadmapModel::add_min_cost_objective() {
    for (std::size_t w = 0; w < m_paid.size(); ++w) {
        // Cost once paid: on the last column, which is 1 exactly when the work is paid at all.
        for (int y = m_p.years - 1; y >= 0; --y)
            if (m_paid[w][uz(y)] >= 0) {
                m_mip.cost[uz(m_paid[w][uz(y)])] = m_p.works[w].cost_bn;
                break;
            }
    }
    for (std::size_t j = 0; j < m_push.size(); ++j)
        for (const int col : m_push[j])
            if (col >= 0) m_mip.cost[uz(col)] = m_p.criteria[j].cost_per_year;
    return *this;
}

RoadmapModel& RoadmapModel::add_max_targets_objective(double scale) {
    add_min_cost_objective();
    double everything = 1;
    for (const auto& w : m_p.works) everything += w.cost_bn;
    for (const auto& cr : m_p.criteria)
        if (cr.soft_open) everything += cr.cost_per_year * m_p.years;
    for (const int col : m_target)
        if (col >= 0) m_mip.cost[uz(col)] = -everything * scale;
    return *this;
}

Schedule RoadmapModel::schedule(const std::vector<double>& x) const {
    Schedule s;
    s.work_year.assign(m_p.works.size(), -1);
    for (std::size_t w = 0; w < m_paid.size(); ++w)
        for (int y = 0; y < m_p.years; ++y) {
            const int col = m_paid[w][uz(y)];
            if (col >= 0 && x[uz(col)] > 0.5) {
                s.work_year[w] = y;
                break;
            }
        }
    s.pushed.assign(m_p.criteria.size(), std::vector<char>(uz(m_p.years), 0));
    for (std::size_t j = 0; j < m_push.size(); ++j)
        for (int y = 0; y < m_p.years; ++y)
            if (m_push[j][uz(y)] >= 0) s.pushed[j][uz(y)] = x[uz(m_push[j][uz(y)])] > 0.5;
    if (!m_p.money.credit_per_year.empty() && !m_borrow.empty()) {
        s.borrow.assign(uz(m_p.years), 0.0);
        for (int y = 0; y < m_p.years; ++y) s.borrow[uz(y)] = std::max(0.0, x[uz(m_borrow[uz(y)])]);
    }
    return s;
}

std::vector<double> RoadmapModel::start(const Schedule& s) const {
    std::vector<double> x(m_mip.cols(), 0.0);
    for (std::size_t w = 0; w < m_paid.size(); ++w)
        for (int y = 0; y < m_p.years; ++y)
            if (m_paid[w][uz(y)] >= 0)
                x[uz(m_paid[w][uz(y)])] = s.work_year[w] >= 0 && s.work_year[w] <= y;
    for (std::size_t j = 0; j < m_push.size() && j < s.pushed.size(); ++j)
        for (int y = 0; y < m_p.years; ++y)
            if (m_push[j][uz(y)] >= 0) x[uz(m_push[j][uz(y)])] = s.pushed[j][uz(y)];
    const auto out = settle(m_p, s);
    for (std::size_t c = 0; c < m_standard.size(); ++c)
        for (int y = 0; y < m_p.years; ++y)
            if (m_standard[c][uz(y)] >= 0) x[uz(m_standard[c][uz(y)])] = out.at_standard[c][uz(y)];
    for (std::size_t k = 0; k < m_target.size(); ++k) {
        if (m_target[k] < 0) continue;
        x[uz(m_target[k])] = out.target_met[k];
        const auto& t = m_p.targets[k];
        const auto& crit = m_p.communes[t.commune].criteria;
        for (std::size_t n = 0; n < m_counted[k].size(); ++n) {
            // Criterion met in the year of the count: the same test settle() makes.
            const auto j = crit[n];
            bool ok = true;
            for (const auto i : m_p.criteria[j].indicators)
                ok = ok && indicator_met(m_p, s, i, t.min_count_by);
            if (m_p.criteria[j].soft_open) {
                int pushed = 0;
                for (int y = 0; y <= t.min_count_by && j < s.pushed.size(); ++y)
                    pushed += s.pushed[j][uz(y)] != 0;
                ok = ok && m_p.criteria[j].soft_possible && pushed >= m_p.criteria[j].lead_years;
            }
            x[uz(m_counted[k][n])] = ok;
        }
    }
    return x;
}

std::vector<double> RoadmapModel::extra_money(const std::vector<double>& x) const {
    std::vector<double> out;
    for (const int col : m_extra) out.push_back(col >= 0 ? std::max(0.0, x[uz(col)]) : 0.0);
    return out;
}

std::vector<char> RoadmapModel::targets_met(const std::vector<double>& x) const {
    std::vector<char> out;
    for (const int col : m_target) out.push_back(col >= 0 && x[uz(col)] > 0.5);
    return out;
}

}  // namespace ntm::plan
