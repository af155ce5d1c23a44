#include "plan/roadmap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace ntm::plan {

namespace {

constexpr double kEps = 1e-9;
constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

void require(bool ok, const std::string& what) {
    if (!ok) throw ConfigError("roadmap problem: " + what);
}

}  // namespace

void Problem::index() {
    works_of_indicator.assign(indicators.size(), {});
    for (std::size_t w = 0; w < works.size(); ++w)
        for (const auto& e : works[w].effects)
            if (e.indicator < indicators.size()) {
                auto& list = works_of_indicator[e.indicator];
                if (list.empty() || list.back() != w) list.push_back(static_cast<std::uint32_t>(w));
            }
}

bool is_pooled(Source s) { return s != Source::People && s != Source::Credit; }

void Problem::check() const {
    require(years > 0, "no years to plan");
    require(lag >= 0, "a negative build lag");
    const auto Y = static_cast<std::size_t>(years);
    for (const auto& c : communes) {
        require(std::isfinite(c.people_per_year) && c.people_per_year >= 0,
                "commune " + c.code + ": people's money is not a finite amount");
        require(c.capacity_bn >= 0, "commune " + c.code + ": negative capacity");
        for (const auto j : c.criteria)
            require(j < criteria.size(), "commune " + c.code + ": a criterion index out of range");
    }
    for (const auto& j : criteria) {
        require(j.commune < communes.size(), "criterion " + j.id + ": commune index out of range");
        for (const auto i : j.indicators)
            require(i < indicators.size(),
                    "criterion " + j.id + ": an indicator index out of range");
        require(!j.soft_open || !j.soft_possible ||
                    (j.lead_years >= 0 && std::isfinite(j.cost_per_year) && j.cost_per_year >= 0),
                "criterion " + j.id + ": a programme needs a lead time ≥ 0 and a cost ≥ 0");
    }
    for (const auto& i : indicators) {
        require(i.commune < communes.size() && i.criterion < criteria.size(),
                "indicator " + i.id + ": index out of range");
        require(i.threshold.size() == Y,
                "indicator " + i.id + ": one threshold per year is needed");
        require(std::isfinite(i.x0) && std::isfinite(i.D0),
                "indicator " + i.id + ": x0 or D0 is not finite");
    }
    for (const auto& w : works) {
        require(w.commune < communes.size(), "work " + w.id + ": commune index out of range");
        require(std::isfinite(w.cost_bn) && w.cost_bn >= 0,
                "work " + w.id + ": cost is not a finite amount ≥ 0");
        for (const auto& e : w.effects)
            require(e.indicator < indicators.size() && indicators[e.indicator].commune == w.commune,
                    "work " + w.id + ": an effect on an indicator of another commune");
    }
    for (const auto& t : targets) {
        require(t.commune < communes.size(), "a target's commune index out of range");
        require(t.by >= 0 && t.by < years,
                "commune " + communes[t.commune].code + ": target year outside the plan's years");
        require(t.min_count == 0 || (t.min_count_by >= 0 && t.min_count_by < years),
                "commune " + communes[t.commune].code +
                    ": the year of the criteria count is outside the plan's years");
    }
    for (const auto s : scenario::kSources)
        if (is_pooled(s))
            require(money.pooled[idx(s)].empty() || money.pooled[idx(s)].size() == Y,
                    "pooled money needs one amount per year");
    require(money.credit_per_year.empty() || money.credit_per_year.size() == Y,
            "credit needs one amount per year");
    require(money.repay_years >= 1, "credit needs repay_years ≥ 1");
}

double indicator_scale(const Indicator& ind) { return std::max(1.0, std::abs(ind.D0)); }

double indicator_slack(const Problem& p, const Schedule& s, std::size_t i, int y) {
    const auto& ind = p.indicators[i];
    double x = ind.x0, D = ind.D0;
    auto add = [&](std::size_t w) {
        const int paid = s.work_year[w];
        if (paid < 0 || paid + p.lag > y) return;
        for (const auto& e : p.works[w].effects)
            if (e.indicator == i) {
                x += e.dx;
                D += e.dD;
            }
    };
    if (p.works_of_indicator.size() == p.indicators.size()) {
        for (const auto w : p.works_of_indicator[i]) add(w);
    } else {
        for (std::size_t w = 0; w < p.works.size(); ++w) add(w);
    }
    if (D <= 0)
        return -std::numeric_limits<double>::infinity();  // nothing to measure yet (a share of no
                                                          // facilities)
    const double t = ind.threshold[static_cast<std::size_t>(y)];
    return (ind.ge ? x - t * D : t * D - x) / indicator_scale(ind);
}

bool indicator_met(const Problem& p, const Schedule& s, std::size_t i, int y) {
    if (!p.indicators[i].measurable) return false;
    // The same comparison as the MIP's (x − t·D ≥ 0 in units of D0), with a tolerance far below
    // any work's size and above the solver's.
    return indicator_slack(p, s, i, y) >= -kIndicatorTolerance;
}

Outcome settle(const Problem& p, const Schedule& s) {
    const int Y = p.years;
    const auto Yz = static_cast<std::size_t>(Y);
    const std::size_t nc = p.communes.size();
    Outcome out;

    // Criteria, the standard and the targets.
    std::vector<std::vector<char>> ind_met(p.indicators.size(), std::vector<char>(Yz, 0));
    for (std::size_t i = 0; i < p.indicators.size(); ++i)
        for (int y = 0; y < Y; ++y)
            ind_met[i][static_cast<std::size_t>(y)] = indicator_met(p, s, i, y);
    out.met_count.assign(nc, std::vector<int>(Yz, 0));
    out.at_standard.assign(nc, std::vector<char>(Yz, 0));
    for (std::size_t c = 0; c < nc; ++c) {
        for (int y = 0; y < Y; ++y) {
            const auto yy = static_cast<std::size_t>(y);
            int met = 0;
            for (const auto j : p.communes[c].criteria) {
                const auto& cr = p.criteria[j];
                bool ok = true;
                for (const auto i : cr.indicators) ok = ok && ind_met[i][yy];
                if (cr.soft_open) {
                    int pushed = 0;
                    if (j < s.pushed.size())
                        for (int t = 0; t <= y; ++t)
                            pushed += s.pushed[j][static_cast<std::size_t>(t)] != 0;
                    ok = ok && cr.soft_possible && pushed >= cr.lead_years;
                }
                met += ok;
            }
            out.met_count[c][yy] = met;
            out.at_standard[c][yy] = met == static_cast<int>(p.communes[c].criteria.size());
        }
    }
    for (const auto& t : p.targets) {
        bool reached = false;
        for (int y = 0; y <= t.by; ++y)
            reached = reached || out.at_standard[t.commune][static_cast<std::size_t>(y)];
        const bool counted =
            t.min_count == 0 ||
            out.met_count[t.commune][static_cast<std::size_t>(t.min_count_by)] >= t.min_count;
        out.target_met.push_back(reached && counted);
    }

    // Money, year by year.
    auto& L = out.ledger;
    for (auto* table : {&L.available, &L.spent, &L.repaid, &L.carried})
        for (auto& row : *table) row.assign(Yz, 0.0);
    L.borrowed.assign(Yz, 0.0);
    L.debt.assign(Yz, 0.0);
    L.unpaid.assign(Yz, 0.0);
    std::array<double, kSourceCount> pool{};
    std::vector<double> local(nc, 0.0);
    double debt = 0, credit_balance = 0;
    const bool has_credit = !p.money.credit_per_year.empty();
    for (int y = 0; y < Y; ++y) {
        const auto yy = static_cast<std::size_t>(y);
        for (const auto src : scenario::kSources) {
            if (!is_pooled(src) || p.money.pooled[idx(src)].empty()) continue;
            const double a = p.money.pooled[idx(src)][yy];
            pool[idx(src)] += a;
            L.available[idx(src)][yy] = a;
        }
        for (std::size_t c = 0; c < nc; ++c) {
            local[c] += p.communes[c].people_per_year;
            L.available[idx(Source::People)][yy] += p.communes[c].people_per_year;
        }
        // Loans of the past `repay_years` years: an equal part of each is due now, from the pool.
        double due = 0;
        for (int t = std::max(0, y - p.money.repay_years); t < y; ++t)
            due += L.borrowed[static_cast<std::size_t>(t)] / p.money.repay_years;
        for (const auto src : scenario::kSources) {
            if (!is_pooled(src) || due <= 0) continue;
            const double take = std::min(pool[idx(src)], due);
            pool[idx(src)] -= take;
            L.repaid[idx(src)][yy] += take;
            due -= take;
        }
        if (due > kEps) {
            L.unpaid[yy] += due;
            out.money_ok = false;
        }
        double repaid_total = 0;
        for (const auto src : scenario::kSources) repaid_total += L.repaid[idx(src)][yy];
        debt -= repaid_total;
        double credit_left = has_credit ? p.money.credit_per_year[yy] : 0.0;
        const bool planned = has_credit && !s.borrow.empty();
        if (planned) {
            // The loan the plan takes this year, within the year's amount and the cap.
            const double b = s.borrow[yy];
            if (b > credit_left + 1e-7 || debt + b > p.money.debt_cap + 1e-7) out.money_ok = false;
            debt += b;
            L.borrowed[yy] += b;
            L.available[idx(Source::Credit)][yy] += b;
            credit_balance += b;
            credit_left = 0;
        }

        auto pay = [&](std::uint32_t c, int work, int criterion, double cost) {
            out.cost_bn += cost;
            double rest = cost;
            auto record = [&](Source src, double amount) {
                if (amount <= 0) return;
                out.payments.push_back({y, c, work, criterion, src, amount});
                L.spent[idx(src)][yy] += amount;
                rest -= amount;
            };
            record(Source::People, std::min(local[c], rest));
            local[c] -= std::min(local[c], cost);
            for (const auto src : scenario::kSources) {
                if (!is_pooled(src) || rest <= kEps) continue;
                const double take = std::min(pool[idx(src)], rest);
                pool[idx(src)] -= take;
                record(src, take);
            }
            if (rest > kEps && planned) {
                const double take = std::min(credit_balance, rest);
                credit_balance -= take;
                record(Source::Credit, take);
            }
            if (rest > kEps && has_credit && !planned) {
                const double b =
                    std::min({rest, credit_left, std::max(0.0, p.money.debt_cap - debt)});
                credit_left -= b;
                debt += b;
                L.borrowed[yy] += b;
                L.available[idx(Source::Credit)][yy] += b;
                record(Source::Credit, b);
            }
            if (rest > 1e-7) {
                L.unpaid[yy] += rest;
                out.money_ok = false;
            }
        };
        for (std::uint32_t c = 0; c < nc; ++c) {
            double started = 0;
            for (std::size_t w = 0; w < p.works.size(); ++w)
                if (p.works[w].commune == c && s.work_year[w] == y) {
                    pay(c, static_cast<int>(w), -1, p.works[w].cost_bn);
                    started += p.works[w].cost_bn;
                }
            if (started > p.communes[c].capacity_bn + 1e-7) out.capacity_ok = false;
            for (const auto j : p.communes[c].criteria)
                if (j < s.pushed.size() && s.pushed[j][yy])
                    pay(c, -1, static_cast<int>(j), p.criteria[j].cost_per_year);
        }
        for (const auto src : scenario::kSources)
            L.carried[idx(src)][yy] = is_pooled(src) ? pool[idx(src)] : 0.0;
        double local_total = 0;
        for (const double v : local) local_total += v;
        L.carried[idx(Source::People)][yy] = local_total;
        L.carried[idx(Source::Credit)][yy] = credit_balance;
        L.debt[yy] = debt;
    }
    return out;
}

}  // namespace ntm::plan
