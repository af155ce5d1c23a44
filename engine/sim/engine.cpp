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
    const auto Y = static_cast<std::size_t>(in.years);
    m_x_plan.resize(ns);
    m_D_plan.resize(ns);
    m_x_done.resize(ns);
    m_D_done.resize(ns);
    m_cursor.resize(ns);
    m_cursor_by_year.resize(ns * Y);
    m_status_met.resize(nc * nj);
    m_income.resize(nc * nj);
    m_met.resize(nc * nj);
    m_local.resize(nc);
    m_reached_year.resize(nc);
    m_year_spent.assign(static_cast<std::size_t>(in.years), 0.0);
    m_year_gap.assign(static_cast<std::size_t>(in.years), 0.0);
    m_need.resize(nc);
    m_spent.resize(nc);
    m_plans.resize(nc);
    m_overrun.resize(nc);
    m_met_count.resize(nc);
    m_status_open.resize(nc);
    m_closed.resize(nc);
    m_dirty.resize(nc);
    m_changed.resize(nc * nj);
    m_order.reserve(nc);
    m_bucket.resize(nj + 2);
    m_open_j.resize(nj);
    m_touched.reserve(ns);
    m_touched_stamp.assign(ns, 0);
    m_cursor_start.resize(ns);
    // A commune's criteria can only change when something they depend on changes; a threshold
    // moving from one year to the next is one such thing (income thresholds rise by year).
    m_thresholds_move.assign(nc * Y, 0);
    m_status_first.assign(nc + 1, 0);
    m_crit_kind.assign(nc * nj, 0);
    m_crit_slot_first.assign(nc * nj + 1, 0);
    for (std::size_t c = 0; c < nc; ++c) {
        m_status_first[c] = static_cast<std::uint32_t>(m_status_j.size());
        m_commune_slot_first.push_back(static_cast<std::uint32_t>(m_commune_slot.size()));
        for (std::size_t j = 0; j < nj; ++j) {
            const auto& parts = in.communes[c].criteria[j];
            if (parts.has_status) m_status_j.push_back(static_cast<std::uint16_t>(j));
            m_crit_kind[c * nj + j] = static_cast<std::uint8_t>((parts.has_status ? kCritStatus : 0) | (parts.has_income ? kCritIncome : 0));
            m_crit_slot_first[c * nj + j] = static_cast<std::uint32_t>(m_commune_slot.size());
            m_commune_slot.insert(m_commune_slot.end(), parts.slots.begin(), parts.slots.end());
            for (std::size_t y = 1; y < Y; ++y) {
                bool moves = parts.has_income && parts.income_threshold[y] != parts.income_threshold[y - 1];
                for (const auto s : parts.slots) moves = moves || in.slots[s].threshold[y] != in.slots[s].threshold[y - 1];
                if (moves) m_thresholds_move[c * Y + y] = 1;
            }
        }
    }
    m_status_first[nc] = static_cast<std::uint32_t>(m_status_j.size());
    m_commune_slot_first.push_back(static_cast<std::uint32_t>(m_commune_slot.size()));
    m_crit_slot_first[nc * nj] = static_cast<std::uint32_t>(m_commune_slot.size());
    m_slot.resize(ns);
    m_threshold.resize(ns * Y);
    for (std::size_t s = 0; s < ns; ++s) {
        const auto& sl = in.slots[s];
        m_slot[s] = {sl.first, sl.count, sl.op, sl.measurable};
        std::copy_n(sl.threshold.begin(), Y, &m_threshold[s * Y]);
    }
    m_hazard_base.resize(nc * nj);
    m_hazard_per_bn.resize(nc * nj);
    for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t j = 0; j < nj; ++j) {
            m_hazard_base[c * nj + j] = in.communes[c].criteria[j].hazard_base;
            m_hazard_per_bn[c * nj + j] = in.communes[c].criteria[j].hazard_per_bn;
        }
    m_walk.resize(ns);
    m_walk_end.resize(ns);

    // The state every draw starts from, with its criteria evaluated at the start year's thresholds.
    for (std::size_t s = 0; s < ns; ++s) {
        m_x_done[s] = in.slots[s].x0;
        m_D_done[s] = in.slots[s].D0;
    }
    m_start.status_open.assign(nc, 0);
    m_start.met_count.assign(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) {
        std::size_t open = 0, met = 0;
        for (std::size_t j = 0; j < nj; ++j) {
            const auto& parts = in.communes[c].criteria[j];
            m_status_met[c * nj + j] = parts.status_met0;
            m_income[c * nj + j] = parts.income0;
            open += parts.has_status && !parts.status_met0;
        }
        for (std::size_t j = 0; j < nj; ++j) {
            // Townships are not assessed: nothing of theirs is met, so nothing can be lost.
            m_met[c * nj + j] = in.communes[c].assessed && criterion_met(c, j, 0);
            met += m_met[c * nj + j] != 0;
        }
        m_start.status_open[c] = static_cast<std::uint16_t>(open);
        m_start.met_count[c] = static_cast<std::uint16_t>(met);
    }
    m_start.x = m_x_done;
    m_start.D = m_D_done;
    m_start.status_met = m_status_met;
    m_start.income = m_income;
    m_start.met = m_met;
}

double DrawRunner::slot_value(std::size_t, double x, double D) const { return D > 0 ? x / D : 0.0; }

bool DrawRunner::slot_met(std::size_t s, double x, double D, int y) const {
    const auto& sl = m_slot[s];
    if (!sl.measurable) return false;
    return criteria::compare(slot_value(s, x, D), sl.op,
                             m_threshold[s * static_cast<std::size_t>(m_in.years) + static_cast<std::size_t>(y)]);
}

bool DrawRunner::criterion_met(std::size_t c, std::size_t j, int y) const {
    const std::size_t cj = c * m_in.criteria_count() + j;
    const auto kind = m_crit_kind[cj];
    if ((kind & kCritStatus) && !m_status_met[cj]) return false;
    if (kind & kCritIncome) {
        const auto& parts = m_in.communes[c].criteria[j];
        if (!criteria::compare(m_income[cj], parts.income_op, parts.income_threshold[static_cast<std::size_t>(y)])) return false;
    }
    for (std::uint32_t i = m_crit_slot_first[cj]; i < m_crit_slot_first[cj + 1]; ++i) {
        const std::uint32_t s = m_commune_slot[i];
        if (!slot_met(s, m_x_done[s], m_D_done[s], y)) return false;
    }
    return true;
}

void DrawRunner::plan_commune(std::size_t c, int y, double overrun, std::vector<PlanItem>& out) {
    out.clear();
    const bool moved = thresholds_move(c, y);
    for (std::uint32_t i = m_commune_slot_first[c]; i < m_commune_slot_first[c + 1]; ++i) {
        const std::uint32_t s = m_commune_slot[i];
        const auto& sl = m_slot[s];
        Walk& walk = m_walk[s];
        if (walk == kWalkUnknown || moved) {
            // Nothing left to build (every project done, or none at all) adds nothing to the plan.
            if (!sl.measurable || m_cursor[s] == sl.count || slot_met(s, m_x_plan[s], m_D_plan[s], y)) {
                walk = kWalkNothing;
            } else {
                // The projects, from the cursor on, until the slot is met (or all of them).
                double x = m_x_plan[s], D = m_D_plan[s];
                std::uint32_t k = m_cursor[s];
                walk = kWalkPartial;
                while (k < sl.count) {
                    const auto& p = m_in.projects[sl.first + k];
                    x += p.dx;
                    D += p.dD;
                    ++k;
                    if (slot_met(s, x, D, y)) {
                        walk = kWalkCloses;
                        break;
                    }
                }
                m_walk_end[s] = k;
            }
        }
        if (walk == kWalkNothing) continue;
        double cost = 0;
        for (std::uint32_t k = m_cursor[s]; k < m_walk_end[s]; ++k) cost += m_in.projects[sl.first + k].cost_bn * overrun;
        out.push_back({s, m_walk_end[s], cost, walk == kWalkCloses});
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
    run_draw(draw, agg, false, ledger, trace, story);
}

void DrawRunner::run_differences(std::uint32_t draw, Aggregate& agg) { run_draw(draw, agg, true, nullptr, -1, nullptr); }

void DrawRunner::run_draw(std::uint32_t draw, Aggregate& agg, bool differences, std::vector<YearLedger>* ledger,
                          int trace, std::string* story) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size(), nj = in.criteria_count(), ns = in.slots.size();
    const int Y = in.years;
    const Rng rng(sc.seed);
    constexpr std::uint32_t kMinusOne = ~0U;  // differences are added modulo 2³²; the running sum is exact

    // Every draw starts from the same state, computed once by the constructor.
    m_x_plan = m_x_done = m_start.x;
    m_D_plan = m_D_done = m_start.D;
    std::fill(m_cursor.begin(), m_cursor.end(), 0U);
    std::fill(m_walk.begin(), m_walk.end(), kWalkUnknown);
    m_status_met = m_start.status_met;
    m_income = m_start.income;
    m_met = m_start.met;
    m_met_count = m_start.met_count;
    m_status_open = m_start.status_open;
    std::fill(m_local.begin(), m_local.end(), 0.0);
    std::fill(m_reached_year.begin(), m_reached_year.end(), -1);
    std::fill(m_closed.begin(), m_closed.end(), 0);
    std::fill(m_dirty.begin(), m_dirty.end(), 0);
    std::fill(m_changed.begin(), m_changed.end(), 0);
    m_pending.clear();
    if (ledger) ledger->assign(static_cast<std::size_t>(Y), YearLedger{});

    Purse pool;
    pool.by_sector = sc.sector_shares.has_value();
    double debt = 0, arrears = 0;
    m_repay_due.assign(static_cast<std::size_t>(Y) + 64, 0.0);
    const scenario::FundingSource* credit = nullptr;
    for (const auto& f : sc.funding)
        if (f.source == Source::Credit) credit = &f;

    for (int y = 0; y < Y; ++y) {
        const int year = in.start + y;
        YearLedger L;
        double local_total = 0;
        for (const double v : m_local) local_total += v;
        L.carried_in = pool.total() + local_total;
        std::string* out = (trace >= 0 && story) ? story : nullptr;

        // Works funded earlier complete now (in the order they were funded).
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_pending.size(); ++i) {
            const auto& w = m_pending[i];
            if (w.due <= y) {
                m_x_done[w.slot] += w.dx;
                m_D_done[w.slot] += w.dD;
                touch(in.slots[w.slot].commune, in.slots[w.slot].criterion);
            } else {
                m_pending[kept++] = w;
            }
        }
        m_pending.resize(kept);
        // Income grows from the second year on.
        if (y > 0 && sc.income_growth) {
            for (std::size_t c = 0; c < nc; ++c)
                for (std::size_t j = 0; j < nj; ++j) {
                    if (!in.communes[c].criteria[j].has_income) continue;
                    RngStream r(rng, Stream::SimIncome, draw, cy_key(c, y));
                    m_income[c * nj + j] *= 1 + sc.income_growth->sample(r, false);
                    touch(c, j);
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
        const double due = m_repay_due[static_cast<std::size_t>(y)] + arrears;
        L.repaid = pool.withdraw(due);
        arrears = due - L.repaid;
        debt -= L.repaid;

        // 3. Each commune's plan for the year: what closes its gaps, within its capacity.
        double total_need = 0, money_at_hand = pool.total();
        for (std::size_t c = 0; c < nc; ++c) {
            m_need[c] = 0;
            m_spent[c] = 0;
            m_plans[c].clear();
            money_at_hand += m_local[c];
            if (!in.communes[c].assessed) continue;
            // A commune with nothing left to build keeps nothing to build until a threshold moves:
            // its plan is empty (needing 0) and its overrun draw would never be used.
            if (m_closed[c] && !thresholds_move(c, y)) continue;
            RngStream r(rng, Stream::SimOverrun, draw, cy_key(c, y));
            m_overrun[c] = sc.overrun.sample(r);
            plan_commune(c, y, m_overrun[c], m_plans[c]);
            m_closed[c] = m_plans[c].empty();
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
                    if (yy < m_repay_due.size()) m_repay_due[yy] += b / credit->repay_years;
                }
            }
        }

        // 5. Fund the plans in the policy's order.
        ++m_stamp;
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
                    const double cost = p.cost_bn * m_overrun[c];
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
                    if (m_touched_stamp[item.slot] != m_stamp) {  // first work on the slot this year
                        m_touched_stamp[item.slot] = m_stamp;
                        m_cursor_start[item.slot] = m_cursor[item.slot];
                        m_touched.push_back(item.slot);
                    }
                    m_cursor[item.slot] = k + 1;
                    m_walk[item.slot] = kWalkUnknown;
                    m_x_plan[item.slot] += p.dx;
                    m_D_plan[item.slot] += p.dD;
                    if (sc.build_lag_years == 0) {
                        m_x_done[item.slot] += p.dx;
                        m_D_done[item.slot] += p.dD;
                        touch(c, sl.criterion);
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
        // The communes `keep` selects, closest to the standard first (fewest criteria not met at
        // the end of last year), by commune index among equals: a counting sort.
        auto closest_order = [&](auto keep) -> const std::vector<std::uint32_t>& {
            std::fill(m_bucket.begin(), m_bucket.end(), 0U);
            for (std::size_t c = 0; c < nc; ++c)
                if (keep(c)) ++m_bucket[nj - m_met_count[c] + 1];
            for (std::size_t k = 1; k < m_bucket.size(); ++k) m_bucket[k] += m_bucket[k - 1];
            m_order.resize(m_bucket.back());
            for (std::size_t c = 0; c < nc; ++c)
                if (keep(c)) m_order[m_bucket[nj - m_met_count[c]]++] = static_cast<std::uint32_t>(c);
            return m_order;
        };
        auto has_plan = [&](std::size_t c) { return !m_plans[c].empty(); };
        // Targets before their deadline come first.
        for (const auto c : closest_order([&](std::size_t c) { return has_plan(c) && in.communes[c].target_by >= year; }))
            fund(c, pool);
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
                    std::fill(m_open_j.begin(), m_open_j.end(), 0);
                    for (const auto& item : m_plans[c]) m_open_j[in.slots[item.slot].criterion] |= 1;
                    double gained = 0;
                    for (std::size_t j = 0; j < nj; ++j) {
                        if (!m_open_j[j]) continue;
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
            if (m_status_open[c] == 0) continue;
            for (std::uint32_t i = m_status_first[c]; i < m_status_first[c + 1]; ++i) {
                const std::size_t j = m_status_j[i];
                char& met = m_status_met[c * nj + j];
                if (met) continue;
                const double p = std::min(1.0, m_hazard_base[c * nj + j] + m_hazard_per_bn[c * nj + j] * m_spent[c]);
                if (rng.uniform(static_cast<std::uint32_t>(Stream::SimSoft), draw, cy_key(c, y),
                                static_cast<std::uint32_t>(j)) < p) {
                    met = 1;
                    --m_status_open[c];
                    touch(c, j);
                }
            }
        }

        // 7. Criteria, the standard, and the record of the year. Only communes where something
        // changed are evaluated again; the others keep last year's verdicts. In differences mode
        // (after the first year) only changes are written.
        std::size_t district_at = 0, district_reached = 0;
        const auto yy = static_cast<std::size_t>(y);
        const bool full = !differences || y == 0;
        for (std::size_t c = 0; c < nc; ++c) {
            const bool assessed = in.communes[c].assessed;
            const bool tracing = out && static_cast<int>(c) == trace;
            const std::size_t before_count = m_met_count[c];
            std::size_t met_count = before_count, lost = 0;
            std::string gained_ids, lost_ids;
            std::uint32_t* met_row = &agg.criterion_met[(c * agg.years + yy) * nj];
            // In the first year, a criterion nothing touched keeps its verdict from the start
            // state (same thresholds); a commune not assessed loses whatever that verdict granted.
            const bool all = thresholds_move(c, y) || (y == 0 && !assessed);
            if (all || m_dirty[c]) {
                m_dirty[c] = 0;
                met_count = 0;
                for (std::size_t j = 0; j < nj; ++j) {
                    char& before = m_met[c * nj + j];
                    char& changed = m_changed[c * nj + j];
                    const bool met = all || changed ? assessed && criterion_met(c, j, y) : before != 0;
                    changed = 0;
                    if (before && !met) {
                        ++lost;
                        if (tracing) lost_ids += " " + in.set->criteria[j].id;
                    } else if (!before && met && tracing) {
                        gained_ids += " " + in.set->criteria[j].id;
                    }
                    if (!full && met != static_cast<bool>(before)) met_row[j] += met ? 1U : kMinusOne;
                    before = met;
                    met_count += met;
                }
                m_met_count[c] = static_cast<std::uint16_t>(met_count);
            }
            const bool standard = assessed && met_count == nj;
            const bool was_reached = m_reached_year[c] >= 0;
            if (standard && !was_reached) m_reached_year[c] = y;
            const bool reached = m_reached_year[c] >= 0;
            std::uint32_t* hist = &agg.met_hist[(c * agg.years + yy) * (nj + 1)];
            if (full) {
                for (std::size_t j = 0; j < nj; ++j) met_row[j] += static_cast<std::uint32_t>(m_met[c * nj + j]);
                hist[met_count]++;
                agg.at_standard[agg.cy(c, yy)] += standard;
                agg.reached[agg.cy(c, yy)] += reached;
            } else {
                if (met_count != before_count) {
                    hist[before_count] += kMinusOne;
                    hist[met_count]++;
                }
                const bool was_standard = assessed && before_count == nj;
                if (standard != was_standard) agg.at_standard[agg.cy(c, yy)] += standard ? 1U : kMinusOne;
                if (reached && !was_reached) agg.reached[agg.cy(c, yy)]++;
            }
            agg.lost[agg.cy(c, yy)] += lost;
            district_at += standard;
            district_reached += reached;
            if (tracing) {
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
        if (differences) {
            // Works completed by the end of year y + lag: the slot's histogram moves from the
            // cursor at the start of this year to the one at its end.
            const auto done_year = static_cast<std::size_t>(y + sc.build_lag_years);
            for (const auto s : m_touched) {
                const auto count = in.slots[s].count;
                if (done_year >= agg.years || m_cursor[s] == m_cursor_start[s]) continue;
                const std::uint64_t row = agg.slot_base[s] + done_year * (count + 1ULL);
                agg.slot_hist[row + m_cursor_start[s]] += kMinusOne;
                agg.slot_hist[row + m_cursor[s]]++;
            }
            m_touched.clear();
        } else {
            m_touched.clear();
            for (std::size_t s = 0; s < ns; ++s) m_cursor_by_year[s * static_cast<std::size_t>(Y) + yy] = m_cursor[s];
        }

        m_year_spent[yy] = L.spent;
        m_year_gap[yy] = L.gap;
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

    // Works completed by the end of each year (funded `lag` years before). In differences mode
    // the draw started every slot at position 0 in year 0: integrate_differences() adds that.
    if (!differences) {
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
    }
    agg.draws++;
}

void integrate_differences(const SimInput& in, Aggregate& agg) {
    const std::size_t Y = agg.years, nj = agg.criteria;
    // Each row (commune or slot) holds `width` counts per year: year y's are the sum of the
    // differences of years 0..y.
    auto running_sum = [Y](std::uint32_t* row, std::size_t width) {
        for (std::size_t y = 1; y < Y; ++y)
            for (std::size_t k = 0; k < width; ++k) row[y * width + k] += row[(y - 1) * width + k];
    };
    for (std::size_t c = 0; c < agg.communes; ++c) {
        running_sum(&agg.reached[c * Y], 1);
        running_sum(&agg.at_standard[c * Y], 1);
        running_sum(&agg.met_hist[c * Y * (nj + 1)], nj + 1);
        running_sum(&agg.criterion_met[c * Y * nj], nj);
    }
    for (std::size_t s = 0; s < in.slots.size(); ++s) {
        const auto count = in.slots[s].count;
        if (count == 0) continue;
        std::uint32_t* row = &agg.slot_hist[agg.slot_base[s]];
        row[0] += static_cast<std::uint32_t>(agg.draws);  // every draw starts at position 0
        running_sum(row, count + 1);
    }
}

void DrawRunner::record(DrawTable& t, std::uint32_t row) const {
    for (std::uint32_t c = 0; c < t.communes; ++c)
        t.reached_at(row, c) = static_cast<std::uint8_t>(m_reached_year[c] < 0 ? 0 : m_reached_year[c] + 1);
    for (std::uint32_t y = 0; y < t.years; ++y) {
        t.spent[std::size_t{row} * t.years + y] = m_year_spent[y];
        t.gap[std::size_t{row} * t.years + y] = m_year_gap[y];
    }
}

Aggregate simulate(const SimInput& in, std::uint32_t first, std::uint32_t count,
                   const std::function<void(std::size_t)>& progress, DrawTable* draws) {
    if (draws) {
        draws->resize(first, count, static_cast<std::uint32_t>(in.communes.size()), static_cast<std::uint32_t>(in.years));
    }
    const int threads = std::max(1, omp_get_max_threads());
    std::vector<Aggregate> parts(static_cast<std::size_t>(threads), Aggregate(in));
    std::atomic<std::size_t> done{0};
#pragma omp parallel num_threads(threads)
    {
        DrawRunner runner(in);
        auto& mine = parts[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
        for (long long d = 0; d < static_cast<long long>(count); ++d) {
            runner.run_differences(first + static_cast<std::uint32_t>(d), mine);
            if (draws) runner.record(*draws, static_cast<std::uint32_t>(d));  // its own row: no race
            const auto n = ++done;
            if (progress && omp_get_thread_num() == 0) progress(n);
        }
    }
    // Integer sums (modulo 2³² for the differences): the order of merging cannot change the result.
    Aggregate total = std::move(parts[0]);
    for (std::size_t t = 1; t < parts.size(); ++t) total.merge(parts[t]);
    integrate_differences(in, total);
    return total;
}

}  // namespace ntm::sim
