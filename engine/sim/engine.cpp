#include "sim/engine.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "core/rng.h"
#include "core/text.h"

namespace ntm::sim {

using scenario::Sector;
using scenario::Source;

namespace {

constexpr double kEps = 1e-9;
constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// Pooled money, optionally earmarked by sector.
struct Purse {
    bool by_sector = false;
    double all = 0;
    std::array<double, scenario::kSectorCount> pot{};

    double available(Sector s) const { return by_sector ? pot[idx(s)] : all; }
    void take(Sector s, double amount) {
        if (by_sector) {
            pot[idx(s)] -= amount;
        } else {
            all -= amount;
        }
    }
    double total() const {
        if (!by_sector) return all;
        double t = 0;
        for (const double p : pot) t += p;
        return t;
    }
    void add(double amount, const std::optional<std::array<double, scenario::kSectorCount>>& shares) {
        if (!by_sector) {
            all += amount;
            return;
        }
        for (std::size_t i = 0; i < pot.size(); ++i) pot[i] += amount * (*shares)[i];
    }
    // Takes up to `amount` out, from the pots in proportion to what they hold; returns it.
    double withdraw(double amount) {
        const double t = total();
        const double take_out = std::min(amount, t);
        if (take_out <= 0) return 0;
        if (!by_sector) {
            all -= take_out;
        } else {
            for (double& p : pot) p -= take_out * (p / t);
        }
        return take_out;
    }
    // A share `f` of every pot: a commune's allotment.
    Purse scaled(double f) const {
        Purse out = *this;
        out.all *= f;
        for (double& p : out.pot) p *= f;
        return out;
    }
    void add(const Purse& other, double sign) {
        all += sign * other.all;
        for (std::size_t i = 0; i < pot.size(); ++i) pot[i] += sign * other.pot[i];
    }
};

std::uint32_t cy_key(std::size_t c, int y) { return static_cast<std::uint32_t>((c << 8) | static_cast<std::size_t>(y)); }

}  // namespace

// A project as a planner would name it: the layer's feature id, the school's name.
std::string DrawRunner::describe(const Project& p) const {
    const auto& a = *m_in.area;
    switch (p.kind) {
        case AssetKind::Road: {
            const auto& r = a.roads[p.asset];
            return std::string(token(r.road_class)) + " road fid " + std::to_string(r.origin.fid) + " (" +
                   format_fixed(p.dx / 1000, 2) + " km)";
        }
        case AssetKind::Canal:
            return "canal fid " + std::to_string(a.canals[p.asset].origin.fid) + " lined (+" + format_fixed(p.dx / 1e4, 1) + " ha served)";
        case AssetKind::School: return "school '" + a.schools[p.asset].name + "' brought to the standard";
        case AssetKind::Facility:
            return std::string(token(a.facilities[p.asset].kind)) + " '" + a.facilities[p.asset].name + "' brought to the standard";
        case AssetKind::NewFacility: return "a new facility";
    }
    return "?";
}

DrawRunner::DrawRunner(const SimInput& in) : m_in(in) {
    const std::size_t ns = in.slots.size(), nc = in.communes.size(), nj = in.criteria_count();
    m_x_plan.resize(ns);
    m_D_plan.resize(ns);
    m_x_done.resize(ns);
    m_D_done.resize(ns);
    m_cursor.resize(ns);
    m_cursor_by_year.resize(ns * static_cast<std::size_t>(in.years));
    m_status_met.resize(nc * nj);
    m_income.resize(nc * nj);
    m_met.resize(nc * nj);
    m_local.resize(nc);
    m_reached_year.resize(nc);
    m_need.resize(nc);
    m_spent.resize(nc);
    m_plans.resize(nc);
}

double DrawRunner::slot_value(std::size_t, double x, double D) const { return D > 0 ? x / D : 0.0; }

bool DrawRunner::slot_met(std::size_t s, double x, double D, int y) const {
    const auto& sl = m_in.slots[s];
    if (!sl.measurable) return false;
    return criteria::compare(slot_value(s, x, D), sl.op, sl.threshold[static_cast<std::size_t>(y)]);
}

bool DrawRunner::criterion_met(std::size_t c, std::size_t j, int y) const {
    const auto& parts = m_in.communes[c].criteria[j];
    const std::size_t cj = c * m_in.criteria_count() + j;
    if (parts.has_status && !m_status_met[cj]) return false;
    if (parts.has_income &&
        !criteria::compare(m_income[cj], parts.income_op, parts.income_threshold[static_cast<std::size_t>(y)]))
        return false;
    for (const auto s : parts.slots)
        if (!slot_met(s, m_x_done[s], m_D_done[s], y)) return false;
    return true;
}

void DrawRunner::plan_commune(std::size_t c, int y, double overrun, std::vector<PlanItem>& out) const {
    out.clear();
    const auto& ci = m_in.communes[c];
    for (std::size_t j = 0; j < ci.criteria.size(); ++j) {
        for (const auto s : ci.criteria[j].slots) {
            const auto& sl = m_in.slots[s];
            if (!sl.measurable || slot_met(s, m_x_plan[s], m_D_plan[s], y)) continue;
            double x = m_x_plan[s], D = m_D_plan[s], cost = 0;
            std::uint32_t k = m_cursor[s];
            bool closes = false;
            while (k < sl.count) {
                const auto& p = m_in.projects[sl.first + k];
                x += p.dx;
                D += p.dD;
                cost += p.cost_bn * overrun;
                ++k;
                if (slot_met(s, x, D, y)) {
                    closes = true;
                    break;
                }
            }
            if (k > m_cursor[s]) out.push_back({s, k, cost, closes});
        }
    }
    // Each VND should move the commune towards its thresholds: works that close an indicator
    // first, cheapest first; then partial progress, cheapest first.
    std::sort(out.begin(), out.end(), [](const PlanItem& a, const PlanItem& b) {
        if (a.closes != b.closes) return a.closes;
        if (a.cost != b.cost) return a.cost < b.cost;
        return a.slot < b.slot;
    });
}

void DrawRunner::run(std::uint32_t draw, Aggregate& agg, std::vector<YearLedger>* ledger, int trace,
                     std::string* story) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size(), nj = in.criteria_count(), ns = in.slots.size();
    const int Y = in.years;
    const Rng rng(sc.seed);

    for (std::size_t s = 0; s < ns; ++s) {
        m_x_plan[s] = m_x_done[s] = in.slots[s].x0;
        m_D_plan[s] = m_D_done[s] = in.slots[s].D0;
        m_cursor[s] = 0;
    }
    for (std::size_t c = 0; c < nc; ++c) {
        m_local[c] = 0;
        m_reached_year[c] = -1;
        for (std::size_t j = 0; j < nj; ++j) {
            const auto& parts = in.communes[c].criteria[j];
            m_status_met[c * nj + j] = parts.status_met0;
            m_income[c * nj + j] = parts.income0;
        }
        for (std::size_t j = 0; j < nj; ++j) m_met[c * nj + j] = criterion_met(c, j, 0);
    }
    m_pending.clear();
    if (ledger) ledger->assign(static_cast<std::size_t>(Y), YearLedger{});

    Purse pool;
    pool.by_sector = sc.sector_shares.has_value();
    double debt = 0, arrears = 0;
    std::vector<double> repay_due(static_cast<std::size_t>(Y) + 64, 0.0);
    const scenario::FundingSource* credit = nullptr;
    for (const auto& f : sc.funding)
        if (f.source == Source::Credit) credit = &f;

    std::vector<std::uint32_t> order;
    order.reserve(nc);
    std::vector<std::size_t> not_met(nc);

    for (int y = 0; y < Y; ++y) {
        const int year = in.start + y;
        YearLedger L;
        double local_total = 0;
        for (const double v : m_local) local_total += v;
        L.carried_in = pool.total() + local_total;
        std::string* out = (trace >= 0 && story) ? story : nullptr;

        // Works funded earlier complete now.
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (it->due <= y) {
                m_x_done[it->slot] += it->dx;
                m_D_done[it->slot] += it->dD;
                it = m_pending.erase(it);
            } else {
                ++it;
            }
        }
        // Income grows from the second year on.
        if (y > 0 && sc.income_growth) {
            for (std::size_t c = 0; c < nc; ++c)
                for (std::size_t j = 0; j < nj; ++j) {
                    if (!in.communes[c].criteria[j].has_income) continue;
                    RngStream r(rng, Stream::SimIncome, draw, cy_key(c, y));
                    m_income[c * nj + j] *= 1 + sc.income_growth->sample(r, false);
                }
        }

        // 1. Money of the year.
        double pooled = 0, credit_available = 0;
        for (const auto& f : sc.funding) {
            const double grown = f.amount * std::pow(1 + f.growth, y);
            if (f.source == Source::People) {
                const double per_household_mvnd = f.per_household_mvnd + f.labour_days_per_household * f.labour_day_mvnd +
                                                  f.donated_land_m2_per_household * f.land_mvnd_per_m2;
                for (std::size_t c = 0; c < nc; ++c) {
                    RngStream r(rng, Stream::SimParticipation, draw, cy_key(c, y));
                    const double part = std::clamp(f.participation.sample(r), 0.0, 1.0);
                    const double money = static_cast<double>(in.communes[c].households) * per_household_mvnd * part / 1000.0;
                    m_local[c] += money;
                    L.realised[idx(Source::People)] += money;
                }
            } else if (f.source == Source::Credit) {
                RngStream r(rng, Stream::SimCredit, draw, cy_key(0, y));
                credit_available = grown * f.uncertainty.sample(r);
            } else {
                RngStream r(rng, Stream::SimFunds, draw, cy_key(idx(f.source), y));
                const double money = grown * f.uncertainty.sample(r);
                L.realised[idx(f.source)] += money;
                pooled += money;
            }
        }
        pool.add(pooled, sc.sector_shares);
        if (out) {
            *out += std::to_string(year) + "\n  money at hand: the commune's own (the people's contribution and what was left) " +
                    format_fixed(m_local[static_cast<std::size_t>(trace)], 2) + " bn; the district's pool " +
                    format_fixed(pool.total(), 2) + " bn\n";
        }

        // 2. Loans due are repaid first.
        const double due = repay_due[static_cast<std::size_t>(y)] + arrears;
        L.repaid = pool.withdraw(due);
        arrears = due - L.repaid;
        debt -= L.repaid;

        // 3. Each commune's plan for the year: what closes its gaps, within its capacity.
        double total_need = 0, money_at_hand = pool.total();
        std::vector<double> overrun(nc, 1.0);
        for (std::size_t c = 0; c < nc; ++c) {
            m_need[c] = 0;
            m_spent[c] = 0;
            m_plans[c].clear();
            money_at_hand += m_local[c];
            if (!in.communes[c].assessed) continue;
            RngStream r(rng, Stream::SimOverrun, draw, cy_key(c, y));
            overrun[c] = sc.overrun.sample(r);
            plan_commune(c, y, overrun[c], m_plans[c]);
            double need = 0;
            for (const auto& item : m_plans[c]) need += item.cost;
            m_need[c] = std::min(need, sc.capacity_per_commune_bn);
            total_need += m_need[c];
        }

        // 4. Borrow what the plans need beyond the money at hand, within the year's credit and the cap.
        if (credit && total_need > money_at_hand + kEps) {
            const double room = std::max(0.0, credit->debt_cap - debt - arrears);
            const double b = std::min({total_need - money_at_hand, credit_available, room});
            if (b > 0) {
                L.borrowed = b;
                L.realised[idx(Source::Credit)] = b;
                debt += b;
                pool.add(b, sc.sector_shares);
                for (int k = 1; k <= credit->repay_years; ++k) {
                    const auto yy = static_cast<std::size_t>(y + k);
                    if (yy < repay_due.size()) repay_due[yy] += b / credit->repay_years;
                }
            }
        }

        // 5. Fund the plans in the policy's order.
        auto fund = [&](std::size_t c, Purse& purse) {
            const auto& plan = m_plans[c];
            double& spent = m_spent[c];
            const double cap = sc.capacity_per_commune_bn;
            bool capped = false;
            for (const auto& item : plan) {
                if (capped) break;
                const auto& sl = in.slots[item.slot];
                for (std::uint32_t k = m_cursor[item.slot]; k < item.end; ++k) {
                    const auto& p = in.projects[sl.first + k];
                    const double cost = p.cost_bn * overrun[c];
                    if (spent + cost > cap + kEps) {
                        capped = true;
                        break;
                    }
                    const double own = std::min(m_local[c], cost);
                    const double rest = cost - own;
                    if (rest > purse.available(sl.sector) + kEps) break;
                    m_local[c] -= own;
                    purse.take(sl.sector, rest);
                    spent += cost;
                    L.spent_by_sector[idx(sl.sector)] += cost;
                    m_cursor[item.slot] = k + 1;
                    m_x_plan[item.slot] += p.dx;
                    m_D_plan[item.slot] += p.dD;
                    if (sc.build_lag_years == 0) {
                        m_x_done[item.slot] += p.dx;
                        m_D_done[item.slot] += p.dD;
                    } else {
                        m_pending.push_back({item.slot, p.dx, p.dD, y + sc.build_lag_years});
                    }
                    if (out && static_cast<int>(c) == trace) {
                        *out += "  built " + describe(p) + " for indicator " + sl.indicator + ": " +
                                format_fixed(cost, 2) + " bn (own money " + format_fixed(own, 2) + ")\n";
                    }
                }
            }
        };
        // Criteria not met per commune, from the end of last year (closest to the standard first).
        for (std::size_t c = 0; c < nc; ++c) {
            not_met[c] = 0;
            for (std::size_t j = 0; j < nj; ++j) not_met[c] += !m_met[c * nj + j];
        }
        auto closest_order = [&](auto keep) {
            std::vector<std::uint32_t> o;
            for (std::size_t k = 0; k <= nj; ++k)  // counting sort: stable, by commune index within a count
                for (std::size_t c = 0; c < nc; ++c)
                    if (not_met[c] == k && keep(c)) o.push_back(static_cast<std::uint32_t>(c));
            return o;
        };
        auto has_plan = [&](std::size_t c) { return !m_plans[c].empty(); };
        // Targets before their deadline come first.
        const auto targets = closest_order([&](std::size_t c) {
            return has_plan(c) && in.communes[c].target_by >= year;
        });
        for (const auto c : targets) fund(c, pool);
        auto rest = [&](std::size_t c) { return has_plan(c) && !(in.communes[c].target_by >= year); };
        switch (sc.policy) {
            case scenario::Policy::ClosestToStandardFirst:
                for (const auto c : closest_order(rest)) fund(c, pool);
                break;
            case scenario::Policy::CostEffectiveness: {
                // Criteria the full plan would complete per bn: the most first.
                std::vector<std::pair<double, std::uint32_t>> keyed;
                for (std::size_t c = 0; c < nc; ++c) {
                    if (!rest(c)) continue;
                    std::vector<char> open(nj, 0);
                    for (const auto& item : m_plans[c]) open[in.slots[item.slot].criterion] |= 1;
                    double gained = 0;
                    for (std::size_t j = 0; j < nj; ++j) {
                        if (!open[j]) continue;
                        bool all_close = true;
                        for (const auto& item : m_plans[c])
                            if (in.slots[item.slot].criterion == j && !item.closes) all_close = false;
                        gained += all_close ? 1 : 0;
                    }
                    keyed.emplace_back(-(gained + 1e-3) / std::max(m_need[c], 1e-6), static_cast<std::uint32_t>(c));
                }
                std::sort(keyed.begin(), keyed.end());
                for (const auto& [key, c] : keyed) fund(c, pool);
                break;
            }
            case scenario::Policy::EqualShare:
            case scenario::Policy::Population:
            case scenario::Policy::FixedShares: {
                std::vector<std::uint32_t> eligible;
                double weight_total = 0;
                for (std::size_t c = 0; c < nc; ++c) {
                    if (!rest(c)) continue;
                    eligible.push_back(static_cast<std::uint32_t>(c));
                    weight_total += sc.policy == scenario::Policy::Population
                                        ? static_cast<double>(in.communes[c].population)
                                        : 1.0;
                }
                // Each eligible commune gets its share of the pool; what it cannot use goes back.
                const Purse snapshot = pool;
                for (const auto c : eligible) {
                    double f = 0;
                    if (sc.policy == scenario::Policy::FixedShares) {
                        f = in.communes[c].fixed_share;
                    } else if (weight_total > 0) {
                        f = (sc.policy == scenario::Policy::Population ? static_cast<double>(in.communes[c].population) : 1.0) /
                            weight_total;
                    }
                    Purse allotment = snapshot.scaled(f);
                    pool.add(allotment, -1);
                    fund(c, allotment);
                    pool.add(allotment, +1);
                }
                break;
            }
        }

        // 6. What no asset measures: a yearly chance, higher where money was spent.
        for (std::size_t c = 0; c < nc; ++c) {
            for (std::size_t j = 0; j < nj; ++j) {
                const auto& parts = in.communes[c].criteria[j];
                char& met = m_status_met[c * nj + j];
                if (!parts.has_status || met) continue;
                const double p = std::min(1.0, parts.hazard_base + parts.hazard_per_bn * m_spent[c]);
                if (rng.uniform(static_cast<std::uint32_t>(Stream::SimSoft), draw, cy_key(c, y),
                                static_cast<std::uint32_t>(j)) < p)
                    met = 1;
            }
        }

        // 7. Criteria, the standard, and the record of the year.
        std::size_t district_at = 0, district_reached = 0;
        const auto yy = static_cast<std::size_t>(y);
        for (std::size_t c = 0; c < nc; ++c) {
            const bool assessed = in.communes[c].assessed;
            std::size_t met_count = 0, lost = 0;
            std::string gained_ids, lost_ids;
            for (std::size_t j = 0; j < nj; ++j) {
                const bool met = assessed && criterion_met(c, j, y);
                char& before = m_met[c * nj + j];
                if (before && !met) {
                    ++lost;
                    lost_ids += " " + in.set->criteria[j].id;
                } else if (!before && met) {
                    gained_ids += " " + in.set->criteria[j].id;
                }
                before = met;
                met_count += met;
                if (met) ++agg.criterion_met[(c * agg.years + yy) * nj + j];
            }
            const bool standard = assessed && met_count == nj;
            if (standard && m_reached_year[c] < 0) m_reached_year[c] = y;
            agg.met_hist[(c * agg.years + yy) * (nj + 1) + met_count]++;
            agg.lost[agg.cy(c, yy)] += lost;
            if (standard) {
                agg.at_standard[agg.cy(c, yy)]++;
                ++district_at;
            }
            if (m_reached_year[c] >= 0) {
                agg.reached[agg.cy(c, yy)]++;
                ++district_reached;
            }
            if (out && static_cast<int>(c) == trace) {
                std::string line = "  own money left " + format_fixed(m_local[c], 2) + " bn; spent " + format_fixed(m_spent[c], 2) + " bn of a plan of " +
                                   format_fixed(m_need[c], 2) + " bn; criteria met " + std::to_string(met_count) + "/" +
                                   std::to_string(nj) + (gained_ids.empty() ? "" : "; gained" + gained_ids) +
                                   (lost_ids.empty() ? "" : "; lost" + lost_ids) +
                                   (standard ? "; at the standard" : "") + "\n";
                *out += line;
            }
        }
        agg.district_at_standard[yy * (nc + 1) + district_at]++;
        agg.district_reached[yy * (nc + 1) + district_reached]++;

        // 8. Money left over carries to next year; the gap is what plans needed beyond it.
        for (std::size_t c = 0; c < nc; ++c) {
            L.spent += m_spent[c];
            L.gap += std::max(0.0, m_need[c] - m_spent[c]);
        }
        local_total = 0;
        for (const double v : m_local) local_total += v;
        L.carried_out = pool.total() + local_total;
        L.debt = debt;
        for (std::size_t s = 0; s < ns; ++s) m_cursor_by_year[s * static_cast<std::size_t>(Y) + yy] = m_cursor[s];

        auto* m = &agg.money[yy * kMoneyFields];
        m[kMoneyCarriedIn] += to_fixed(L.carried_in);
        m[kMoneyBorrowed] += to_fixed(L.borrowed);
        m[kMoneyRepaid] += to_fixed(L.repaid);
        m[kMoneySpent] += to_fixed(L.spent);
        m[kMoneyCarriedOut] += to_fixed(L.carried_out);
        m[kMoneyGap] += to_fixed(L.gap);
        m[kMoneyDebt] += to_fixed(L.debt);
        for (std::size_t i = 0; i < scenario::kSectorCount; ++i) m[kMoneySpentSector0 + i] += to_fixed(L.spent_by_sector[i]);
        for (std::size_t i = 0; i < scenario::kSources.size(); ++i) m[kMoneyRealised0 + i] += to_fixed(L.realised[i]);
        if (ledger) (*ledger)[yy] = L;
    }

    // Works completed by the end of each year (funded `lag` years before).
    for (std::size_t s = 0; s < ns; ++s) {
        const auto count = in.slots[s].count;
        if (count == 0) continue;
        const std::uint64_t base = agg.slot_base[s];
        for (int y = 0; y < Y; ++y) {
            const int funded_year = y - sc.build_lag_years;
            const std::uint32_t pos = funded_year >= 0 ? m_cursor_by_year[s * static_cast<std::size_t>(Y) + static_cast<std::size_t>(funded_year)] : 0;
            agg.slot_hist[base + static_cast<std::uint64_t>(y) * (count + 1) + pos]++;
        }
    }
    agg.draws++;
}

Aggregate simulate(const SimInput& in, std::uint32_t first, std::uint32_t count,
                   const std::function<void(std::size_t)>& progress) {
    const int threads = std::max(1, omp_get_max_threads());
    std::vector<Aggregate> parts(static_cast<std::size_t>(threads), Aggregate(in));
    std::atomic<std::size_t> done{0};
#pragma omp parallel num_threads(threads)
    {
        DrawRunner runner(in);
        auto& mine = parts[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
        for (long long d = 0; d < static_cast<long long>(count); ++d) {
            runner.run(first + static_cast<std::uint32_t>(d), mine);
            const auto n = ++done;
            if (progress && omp_get_thread_num() == 0) progress(n);
        }
    }
    // Integer sums: the order of merging cannot change the result.
    Aggregate total = std::move(parts[0]);
    for (std::size_t t = 1; t < parts.size(); ++t) total.merge(parts[t]);
    return total;
}

}  // namespace ntm::sim
