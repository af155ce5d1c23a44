#include "sim/engine.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <tuple>

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
    void add(double amount,
             const std::optional<std::array<double, scenario::kSectorCount>>& shares) {
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

}  // namespace

// What one year of a draw carries from step to step.
struct DrawRunner::Year {
    explicit Year(Rng r) : rng(r) {}
    Rng rng;
    std::uint32_t draw = 0;
    int y = 0, year = 0;
    YearLedger L;
    Purse pool;
    double credit_available = 0;
    double* debt = nullptr;
    double* arrears = nullptr;
    const scenario::FundingSource* credit = nullptr;
    std::string* out = nullptr;  // the trace, when this year is traced
    int trace = -1;
    bool traced(std::size_t c) const { return out && static_cast<int>(c) == trace; }
};

// A project as a planner would name it: the layer's feature id, the school's name.
std::string DrawRunner::describe(const Project& p) const {
    const auto& a = *m_in.area;
    switch (p.kind) {
        case AssetKind::Road: {
            const auto& r = a.roads[p.asset];
            return std::string(token(r.road_class)) + " road fid " + std::to_string(r.origin.fid) +
                   " (" + format_fixed(p.dx / 1000, 2) + " km)";
        }
        case AssetKind::Canal:
            return "canal fid " + std::to_string(a.canals[p.asset].origin.fid) + " lined (+" +
                   format_fixed(p.dx / 1e4, 1) + " ha served)";
        case AssetKind::School:
            return "school '" + a.schools[p.asset].name + "' brought to the standard";
        case AssetKind::Facility:
            return std::string(token(a.facilities[p.asset].kind)) + " '" +
                   a.facilities[p.asset].name + "' brought to the standard";
        case AssetKind::NewFacility:
            return "a new facility";
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
            m_crit_kind[c * nj + j] = static_cast<std::uint8_t>(
                (parts.has_status ? kCritStatus : 0) | (parts.has_income ? kCritIncome : 0));
            m_crit_slot_first[c * nj + j] = static_cast<std::uint32_t>(m_commune_slot.size());
            m_commune_slot.insert(m_commune_slot.end(), parts.slots.begin(), parts.slots.end());
            auto differ = [](double a, double b) {
                return std::isnan(a) ? !std::isnan(b) : (std::isnan(b) || a != b);
            };
            for (std::size_t y = 1; y < Y; ++y) {
                bool moves = parts.has_income &&
                             differ(parts.income_threshold[y], parts.income_threshold[y - 1]);
                for (const auto s : parts.slots)
                    moves = moves || differ(in.slots[s].threshold[y], in.slots[s].threshold[y - 1]);
                moves = moves || in.criterion_applies(j, static_cast<int>(y)) !=
                                     in.criterion_applies(j, static_cast<int>(y) - 1);
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
    for (const auto j : m_status_j) {
        const auto& prog = in.scenario->programme(in.set->criteria[j].id);
        m_soft_lead.push_back(&prog.lead_years);
        m_soft_cost.push_back(prog.cost_bn);
        m_soft_background.push_back(prog.background);
    }
    m_effort.resize(m_status_j.size());
    m_prog_paid.resize(m_status_j.size());
    m_lead.resize(m_status_j.size());
    m_by_rank.resize(nc);
    for (std::size_t c = 0; c < nc; ++c)
        m_by_rank[in.communes[c].rank] = static_cast<std::uint32_t>(c);
    m_effect.resize(nc);
    m_campaign.resize(nc);
    m_draw_order.resize(nc);
    m_draw_pos.resize(nc);
    m_registered.resize(nc);
    m_reason.resize(nc * nj);
    m_walk.resize(ns);
    m_walk_end.resize(ns);
    m_met_count_by_year.assign(nc * Y, 0);

    // The schedule: each programme item's status criterion.
    for (const auto& item : in.schedule) {
        int status = -1;
        for (std::uint32_t i = m_status_first[item.commune]; i < m_status_first[item.commune + 1];
             ++i)
            if (item.status >= 0 && m_status_j[i] == item.status) status = static_cast<int>(i);
        m_item_status.push_back(status);
    }

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
    const double t =
        m_threshold[s * static_cast<std::size_t>(m_in.years) + static_cast<std::size_t>(y)];
    if (std::isnan(t)) return true;  // not in the set in force this year: asks nothing
    if (!sl.measurable) return false;
    return criteria::compare(slot_value(s, x, D), sl.op, t);
}

bool DrawRunner::criterion_met(std::size_t c, std::size_t j, int y) const {
    const std::size_t cj = c * m_in.criteria_count() + j;
    if ((m_crit_kind[cj] & kCritStatus) && !m_status_met[cj]) return false;
    return only_programme_open(c, j, y);  // counted only under the set in force
}

bool DrawRunner::only_programme_open(std::size_t c, std::size_t j, int y) const {
    if (!m_in.criterion_applies(j, y)) return false;
    const std::size_t cj = c * m_in.criteria_count() + j;
    if (m_crit_kind[cj] & kCritIncome) {
        const auto& parts = m_in.communes[c].criteria[j];
        const double t = parts.income_threshold[static_cast<std::size_t>(y)];
        if (!std::isnan(t) && !criteria::compare(m_income[cj], parts.income_op, t)) return false;
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
            if (!sl.measurable || m_cursor[s] == sl.count ||
                slot_met(s, m_x_plan[s], m_D_plan[s], y) ||
                !m_in.criterion_applies(m_in.slots[s].criterion, y)) {
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
        for (std::uint32_t k = m_cursor[s]; k < m_walk_end[s]; ++k)
            cost += m_in.projects[sl.first + k].cost_bn * overrun;
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

void DrawRunner::run_differences(std::uint32_t draw, Aggregate& agg) {
    run_draw(draw, agg, true, nullptr, -1, nullptr);
}

template <typename Keep>
const std::vector<std::uint32_t>& DrawRunner::closest_order(Keep keep) {
    const std::size_t nj = m_in.criteria_count();
    std::fill(m_bucket.begin(), m_bucket.end(), 0U);
    for (const auto c : m_draw_order)
        if (keep(c)) ++m_bucket[nj - m_met_count[c] + 1];
    for (std::size_t k = 1; k < m_bucket.size(); ++k) m_bucket[k] += m_bucket[k - 1];
    m_order.resize(m_bucket.back());
    for (const auto c : m_draw_order)
        if (keep(c)) m_order[m_bucket[nj - m_met_count[c]]++] = c;
    return m_order;
}

void DrawRunner::start_draw(std::uint32_t draw) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size();
    const Rng rng(sc.seed);
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
    std::fill(m_registered.begin(), m_registered.end(), kNotRegistered);
    std::fill(m_effort.begin(), m_effort.end(), 0.0);
    std::fill(m_reason.begin(), m_reason.end(), static_cast<std::uint8_t>(kBindNotPushed));
    m_pending.clear();
    m_item_paid.assign(in.schedule.size(), -1);
    m_account.fill(0);
    m_sched_repay_due.assign(static_cast<std::size_t>(in.years) + 64, 0.0);
    m_sched_arrears = 0;
    m_credit_reserve = 0;
    m_payments.clear();

    // Commune effects: a propensity of mean 1 per commune and draw, keyed by the commune's code.
    // It scales the people's contribution, the commune's capacity and the pace of its programmes,
    // so some communes are fast and some slow in every respect within a draw.
    const double sd = sc.commune_effect_sd;
    for (std::size_t c = 0; c < nc; ++c) {
        m_effect[c] = 1.0;
        if (sd > 0) {
            RngStream r(rng, Stream::SimEffect, draw, in.communes[c].key, 0);
            m_effect[c] = std::exp(sd * r.normal() - 0.5 * sd * sd);
        }
        m_campaign[c] = 1.0;
        if (!sc.campaign.people.is_fixed() || sc.campaign.people.mean != 1.0) {
            RngStream r(rng, Stream::SimCampaign, draw, in.communes[c].key, 0);
            m_campaign[c] = sc.campaign.people.sample(r);
        }
    }
    for (std::size_t i = 0; i < nc; ++i) m_draw_order[i] = m_by_rank[i];
    if (sd > 0)
        std::stable_sort(
            m_draw_order.begin(), m_draw_order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return m_effect[a] > m_effect[b]; });
    for (std::size_t i = 0; i < nc; ++i)
        m_draw_pos[m_draw_order[i]] = static_cast<std::uint32_t>(i);

    // Each open programme's years of effort needed, shorter in a commune with a higher propensity.
    for (std::size_t c = 0; c < nc; ++c) {
        if (m_status_open[c] == 0) continue;
        RngStream r(rng, Stream::SimSoft, draw, in.communes[c].key, 0);
        for (std::uint32_t i = m_status_first[c]; i < m_status_first[c + 1]; ++i) {
            if (m_status_met[c * in.criteria_count() + m_status_j[i]]) continue;
            const auto* lead = m_soft_lead[i];
            m_lead[i] = (lead->is_fixed() ? lead->mean : lead->sample(r)) / m_effect[c];
        }
    }
    m_quota_share = 0;
    if (sc.registration.quota_share) {
        RngStream r(rng, Stream::SimQuota, draw, 0, 0);
        m_quota_share = std::clamp(sc.registration.quota_share->sample(r), 0.0, 1.0);
    }
}

void DrawRunner::complete_works(Year& t) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
        const auto& w = m_pending[i];
        if (w.due <= t.y) {
            m_x_done[w.slot] += w.dx;
            m_D_done[w.slot] += w.dD;
            touch(m_in.slots[w.slot].commune, m_in.slots[w.slot].criterion);
        } else {
            m_pending[kept++] = w;
        }
    }
    m_pending.resize(kept);
}

void DrawRunner::grow_income(Year& t) {
    const auto& sc = *m_in.scenario;
    if (t.y == 0 || !sc.income_growth) return;
    const std::size_t nc = m_in.communes.size(), nj = m_in.criteria_count();
    for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t j = 0; j < nj; ++j) {
            if (!(m_crit_kind[c * nj + j] & kCritIncome)) continue;
            RngStream r(t.rng, Stream::SimIncome, t.draw, m_in.communes[c].key, t.y);
            const double push = m_registered[c] ? sc.income_push : 0.0;
            m_income[c * nj + j] *= 1 + sc.income_growth->sample(r, false) + push;
            touch(c, j);
        }
}

void DrawRunner::realise_funds(Year& t) {
    const auto& sc = *m_in.scenario;
    double pooled = 0;
    for (const auto& f : sc.funding) {
        if (f.source == Source::People) continue;  // mobilise()
        const double grown = f.amount * std::pow(1 + f.growth, t.y);
        if (f.source == Source::Credit) {
            RngStream r(t.rng, Stream::SimCredit, t.draw, 0, t.y);
            t.credit_available = grown * f.uncertainty.sample(r);
        } else {
            RngStream r(t.rng, Stream::SimFunds, t.draw, static_cast<std::uint32_t>(idx(f.source)),
                        t.y);
            const double money = grown * f.uncertainty.sample(r);
            t.L.realised[idx(f.source)] += money;
            // With a plan's schedule the money is the schedule's first (pay_schedule()).
            if (m_in.schedule.empty()) {
                pooled += money;
            } else {
                m_account[idx(f.source)] += money;
            }
        }
    }
    t.pool.add(pooled, sc.sector_shares);
}

void DrawRunner::plan(Year& t) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size();
    // Recognised communes leave the register; explicit targets enter it in their first year and
    // stay until they reach the standard, even after their deadline (DOMAIN.md §7).
    std::size_t assessed = 0, by_rule = 0;
    for (std::size_t c = 0; c < nc; ++c) {
        const auto& ci = in.communes[c];
        if (!ci.assessed) continue;
        ++assessed;
        if (m_reached_year[c] >= 0) {
            m_registered[c] = kNotRegistered;
            continue;
        }
        if (ci.target_by != 0 && t.year >= ci.target_from) m_registered[c] = kRegisteredTarget;
        by_rule += m_registered[c] == kRegisteredRule;
    }
    // The rule: the province keeps a number of communes registered, a share of all its communes
    // (so a commune recognised early frees its place for another), topping the list up with the
    // closest to the standard.
    if (sc.registration.quota_share) {
        const auto quota = static_cast<std::size_t>(
            std::floor(m_quota_share * static_cast<double>(assessed) + 0.5));
        if (quota > by_rule) {
            std::size_t more = quota - by_rule;
            const int min_met = sc.registration.min_criteria;
            const auto& order = closest_order([&](std::size_t c) {
                return in.communes[c].assessed && m_reached_year[c] < 0 &&
                       m_registered[c] == kNotRegistered && m_met_count[c] >= min_met;
            });
            for (const auto c : order) {
                if (more == 0) break;
                m_registered[c] = kRegisteredRule;
                --more;
                if (t.traced(c)) *t.out += "  registered by the province's yearly list\n";
            }
        }
    }
    if (t.trace >= 0 && t.out &&
        m_registered[static_cast<std::size_t>(t.trace)] == kRegisteredTarget)
        *t.out += "  registered: a target to reach the standard by " +
                  std::to_string(in.communes[static_cast<std::size_t>(t.trace)].target_by) + "\n";
}

void DrawRunner::mobilise(Year& t) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size();
    for (const auto& f : sc.funding) {
        if (f.source != Source::People) continue;
        const double per_household_mvnd = f.per_household_mvnd +
                                          f.labour_days_per_household * f.labour_day_mvnd +
                                          f.donated_land_m2_per_household * f.land_mvnd_per_m2;
        for (std::size_t c = 0; c < nc; ++c) {
            RngStream r(t.rng, Stream::SimParticipation, t.draw, in.communes[c].key, t.y);
            const double part = std::clamp(f.participation.sample(r) * m_effect[c], 0.0, 1.0);
            const double campaign = m_registered[c] ? m_campaign[c] : 1.0;
            const double money = static_cast<double>(in.communes[c].households) *
                                 per_household_mvnd * part * campaign / 1000.0;
            m_local[c] += money;
            t.L.realised[idx(Source::People)] += money;
        }
    }
    // A registered commune draws donations and the money of integrated sector programmes.
    if (sc.campaign.enterprise_bn > 0 || sc.campaign.integrated_bn > 0) {
        for (std::size_t c = 0; c < nc; ++c) {
            if (!m_registered[c]) continue;
            m_local[c] += sc.campaign.enterprise_bn + sc.campaign.integrated_bn;
            t.L.realised[idx(Source::Enterprise)] += sc.campaign.enterprise_bn;
            t.L.realised[idx(Source::Other)] += sc.campaign.integrated_bn;
        }
    }
    if (t.trace >= 0 && t.out) {
        *t.out += std::to_string(t.year) +
                  "\n  money at hand: the commune's own (the people's contribution, campaigns and "
                  "what was left) " +
                  format_fixed(m_local[static_cast<std::size_t>(t.trace)], 2) +
                  " bn; the district's pool " + format_fixed(t.pool.total(), 2) + " bn\n";
    }
}

void DrawRunner::repay(Year& t) {
    const double due = m_repay_due[static_cast<std::size_t>(t.y)] + *t.arrears;
    const double repaid = t.pool.withdraw(due);
    t.L.repaid += repaid;  // the schedule's loans were repaid before (pay_schedule())
    *t.arrears = due - repaid;
    *t.debt -= repaid;
}

void DrawRunner::pay_schedule(Year& t) {
    const auto& in = m_in;
    m_funded.clear();
    std::fill(m_prog_paid.begin(), m_prog_paid.end(), 0);
    if (in.schedule.empty()) return;
    const auto& sc = *in.scenario;
    const auto yy = static_cast<std::size_t>(t.y);

    // The schedule's loans fall due first, from its pooled sources in their order (as in the plan).
    const double due = m_sched_repay_due[yy] + m_sched_arrears;
    double repaid = 0;
    for (const auto src : scenario::kSources) {
        if (src == Source::People || src == Source::Credit) continue;
        const double take = std::min(m_account[idx(src)], due - repaid);
        if (take <= 0) continue;
        m_account[idx(src)] -= take;
        repaid += take;
    }
    m_sched_arrears = std::max(0.0, due - repaid);
    t.L.repaid += repaid;
    *t.debt -= repaid;

    // A work's parts carry the draw's overrun of its commune and year against the plan's.
    const double expected_overrun = std::max(sc.overrun.expected(), kEps);
    auto factor_of = [&](const ScheduleItem& item) {
        if (item.projects.empty()) return 1.0;
        RngStream r(t.rng, Stream::SimOverrun, t.draw, in.communes[item.commune].key, t.y);
        return sc.overrun.sample(r) / expected_overrun;
    };

    // Credit: the plan may borrow ahead of a year whose works need more than that year's line, so
    // the schedule borrows now what its credit parts need this year, and what later years' lines
    // (at their expected amount) cannot lend in time; within this year's line and the debt cap.
    if (t.credit) {
        m_claims.assign(static_cast<std::size_t>(in.years), {});
        for (std::size_t k = 0; k < in.schedule.size(); ++k) {
            if (m_item_paid[k] >= 0) continue;
            const auto& item = in.schedule[k];
            const double f = item.year <= t.y ? std::min(factor_of(item), 1.0) : 1.0;
            for (const auto e : item.entries)
                if (sc.schedule[e].source == Source::Credit)
                    m_claims[static_cast<std::size_t>(std::max(item.year, t.y))]
                            [idx(Source::Credit)] += sc.schedule[e].cost_bn * f;
        }
        const auto credit = idx(Source::Credit);
        double need = m_claims[yy][credit] - m_account[credit];
        double cumulative = m_claims[yy][credit], lines = 0;
        for (int h = t.y + 1; h < in.years; ++h) {
            const auto hh = static_cast<std::size_t>(h);
            cumulative += m_claims[hh][credit];
            lines += t.credit->amount * std::pow(1 + t.credit->growth, h) *
                     t.credit->uncertainty.expected();
            need = std::max(need, cumulative - m_account[credit] - lines);
        }
        const double room =
            std::max(0.0, t.credit->debt_cap - *t.debt - *t.arrears - m_sched_arrears);
        const double b = std::clamp(need, 0.0, std::min(t.credit_available, room));
        if (b > 0) {
            t.credit_available -= b;
            m_account[credit] += b;
            *t.debt += b;
            t.L.borrowed += b;
            t.L.realised[credit] += b;
            for (int j = 1; j <= t.credit->repay_years; ++j) {
                const auto at = static_cast<std::size_t>(t.y + j);
                if (at < m_sched_repay_due.size())
                    m_sched_repay_due[at] += b / t.credit->repay_years;
            }
        }
    }

    // The works of the year and those that slipped, in the order of the schedule: a work is paid
    // whole (every part from its own source) or slips to the next year.
    for (std::size_t k = 0; k < in.schedule.size(); ++k) {
        const auto& item = in.schedule[k];
        if (item.year > t.y) break;
        if (m_item_paid[k] >= 0) continue;
        const std::size_t c = item.commune;
        const double factor = factor_of(item);
        // Each part up to its planned amount from its named source (the commune's own money for
        // `people`). What a named source lacks this year and what the draw's overrun adds are
        // paid from the commune's own money left over, then from the schedule's other pooled
        // money, sources in order, as a district covers a shortfall from its contingency.
        std::array<double, kSourceCount> need{};
        double total = 0, cover = 0;
        for (const auto e : item.entries) {
            const auto& w = sc.schedule[e];
            need[idx(w.source)] += w.cost_bn * std::min(factor, 1.0);
            cover += w.cost_bn * std::max(0.0, factor - 1.0);
            total += w.cost_bn * factor;
        }
        auto holding = [&](Source src) -> double& {
            return src == Source::People ? m_local[c] : m_account[idx(src)];
        };
        double spare = 0;  // what the own money and pooled sources hold beyond their parts
        for (const auto src : scenario::kSources) {
            const double n = need[idx(src)];
            cover += std::max(0.0, n - holding(src));
            if (src != Source::Credit) spare += std::max(0.0, holding(src) - n);
        }
        if (cover > spare + 1e-7 * std::max(1.0, cover)) {
            t.L.gap += total;
            const std::size_t nj = in.criteria_count();
            for (const auto s : item.slots) m_reason[c * nj + in.slots[s].criterion] = kBindMoney;
            if (t.traced(c))
                *t.out += "  scheduled " + item.label + " (" + format_fixed(total, 2) +
                          " bn) cannot be paid this year: it slips\n";
            continue;
        }
        for (const auto e : item.entries) {
            const auto& w = sc.schedule[e];
            double& from = holding(w.source);
            from -= std::min(from, w.cost_bn * std::min(factor, 1.0));
            m_payments.push_back({e, t.y, w.cost_bn * factor});
        }
        for (const auto src : {Source::People, Source::Central, Source::Province, Source::District,
                               Source::Commune, Source::Enterprise, Source::Other}) {
            double& from = holding(src);
            const double take = std::min(from, cover);
            from -= take;
            cover -= take;
        }
        m_item_paid[k] = t.y;
        if (item.projects.empty()) {
            t.L.spent_programmes += total;
            if (m_item_status[k] >= 0) m_prog_paid[static_cast<std::size_t>(m_item_status[k])] = 1;
        } else {
            t.L.spent += total;
            t.L.spent_by_sector[idx(in.slots[item.slots.front()].sector)] += total;
            for (std::size_t i = 0; i < item.projects.size(); ++i) {
                const auto s = item.slots[i];
                const auto& p = in.projects[item.projects[i]];
                m_x_plan[s] += p.dx;
                m_D_plan[s] += p.dD;
                m_funded.push_back({s, p.dx, p.dD});  // built by build(), after the lag
            }
        }
        if (t.traced(c))
            *t.out += "  scheduled " + item.label + " paid: " + format_fixed(total, 2) + " bn\n";
    }
    release_to_pool(t);
}

// What the rest of the schedule will not need goes to the policy's pool: each pooled source's
// money at hand is walked through the remaining years, paying the schedule's repayments and the
// works still to pay at their planned cost (a slipped work next year), counting on no future
// income; the least balance each source reaches on the way goes now. So the money a source has
// brought stays with the roadmap until its remaining works are covered: a later year that brings
// less than expected, or an overrun, then finds it (and a reserve, `plan --confidence`, helps).
void DrawRunner::release_to_pool(Year& t) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const int Y = in.years;
    m_claims.assign(static_cast<std::size_t>(Y) + 1, {});
    m_proj_due.assign(m_sched_repay_due.begin(), m_sched_repay_due.end());
    m_credit_reserve = 0;
    for (std::size_t k = 0; k < in.schedule.size(); ++k) {
        if (m_item_paid[k] >= 0) continue;
        const auto when = static_cast<std::size_t>(std::max(in.schedule[k].year, t.y + 1));
        for (const auto e : in.schedule[k].entries) {
            const auto& w = sc.schedule[e];
            m_claims[when][idx(w.source)] += w.cost_bn;
            if (w.source == Source::Credit) m_credit_reserve += w.cost_bn;
        }
    }
    // The debt room the schedule will still borrow is kept from the policy; credit borrowed for
    // works that are all paid goes to the pool.
    const auto credit = idx(Source::Credit);
    double released = 0;
    if (m_credit_reserve <= 0) {
        released += m_account[credit];
        m_account[credit] = 0;
    }
    m_credit_reserve = std::max(0.0, m_credit_reserve - m_account[credit]);
    auto balance = m_account;
    auto low = m_account;
    double owed = m_sched_arrears;
    for (int y = t.y + 1; y < Y; ++y) {
        const auto yy = static_cast<std::size_t>(y);
        double due = m_proj_due[yy] + owed;
        for (const auto src : scenario::kSources) {
            if (src == Source::People || src == Source::Credit) continue;
            // Repayments in the order of the sources, from what each holds.
            const double take = std::min(std::max(0.0, balance[idx(src)]), due);
            balance[idx(src)] -= take;
            due -= take;
            low[idx(src)] = std::min(low[idx(src)], balance[idx(src)]);
        }
        owed = due;
        for (const auto src : scenario::kSources) {
            if (src == Source::People || src == Source::Credit) continue;
            balance[idx(src)] -= m_claims[yy][idx(src)];
            low[idx(src)] = std::min(low[idx(src)], balance[idx(src)]);
        }
        const double loan =
            std::max(0.0, m_claims[yy][credit] - (y == t.y + 1 ? m_account[credit] : 0.0));
        if (loan > 0 && t.credit)
            for (int j = 1; j <= t.credit->repay_years; ++j)
                if (yy + static_cast<std::size_t>(j) < m_proj_due.size())
                    m_proj_due[yy + static_cast<std::size_t>(j)] += loan / t.credit->repay_years;
    }
    for (const auto src : scenario::kSources) {
        if (src == Source::People || src == Source::Credit) continue;
        const double r = std::clamp(low[idx(src)], 0.0, m_account[idx(src)]);
        m_account[idx(src)] -= r;
        released += r;
    }
    t.pool.add(released, sc.sector_shares);
    if (t.trace >= 0 && t.out) {
        double kept = 0;
        for (const double v : m_account) kept += v;
        *t.out += "  the plan's schedule keeps " + format_fixed(kept, 2) +
                  " bn of the district's money for its works still to pay; " +
                  format_fixed(released, 2) + " bn goes to the pool\n";
    }
}

void DrawRunner::fund(Year& t, std::size_t c, void* purse_ptr) {
    auto& purse = *static_cast<Purse*>(purse_ptr);
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nj = in.criteria_count();
    const auto& plan = m_plans[c];
    double& spent = m_spent[c];
    const double cap = sc.capacity_per_commune_bn * m_effect[c];
    bool capped = false;
    for (const auto& item : plan) {
        const auto& sl = in.slots[item.slot];
        std::uint8_t& reason = m_reason[c * nj + sl.criterion];
        if (capped) {
            reason = kBindCapacity;
            continue;
        }
        for (std::uint32_t k = m_cursor[item.slot]; k < item.end; ++k) {
            const auto& p = in.projects[sl.first + k];
            const double cost = p.cost_bn * m_overrun[c];
            if (spent + cost > cap + kEps) {
                capped = true;
                reason = kBindCapacity;
                break;
            }
            const double own = std::min(m_local[c], cost);
            const double rest = cost - own;
            if (rest > purse.available(sl.sector) + kEps) {
                reason = kBindMoney;
                break;
            }
            m_local[c] -= own;
            purse.take(sl.sector, rest);
            spent += cost;
            t.L.spent_by_sector[idx(sl.sector)] += cost;
            if (m_touched_stamp[item.slot] != m_stamp) {  // first work on the slot this year
                m_touched_stamp[item.slot] = m_stamp;
                m_cursor_start[item.slot] = m_cursor[item.slot];
                m_touched.push_back(item.slot);
            }
            m_cursor[item.slot] = k + 1;
            m_walk[item.slot] = kWalkUnknown;
            m_x_plan[item.slot] += p.dx;
            m_D_plan[item.slot] += p.dD;
            m_funded.push_back({item.slot, p.dx, p.dD});
            if (t.traced(c)) {
                *t.out += "  built " + describe(p) + " for indicator " + sl.indicator + ": " +
                          format_fixed(cost, 2) + " bn (own money " + format_fixed(own, 2) + ")\n";
            }
        }
    }
}

void DrawRunner::allocate(Year& t) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t nc = in.communes.size(), nj = in.criteria_count();
    // Each commune's plan for the year: what closes its gaps, within its capacity.
    double total_need = 0, money_at_hand = t.pool.total();
    for (std::size_t c = 0; c < nc; ++c) {
        m_need[c] = 0;
        m_spent[c] = 0;
        m_plans[c].clear();
        if (is_scheduled(c)) continue;  // the schedule fixes its works; its money is its own
        money_at_hand += m_local[c];
        if (!in.communes[c].assessed) continue;
        // A commune with nothing left to build keeps nothing to build until a threshold moves:
        // its plan is empty (needing 0) and its overrun draw would never be used.
        if (m_closed[c] && !thresholds_move(c, t.y)) continue;
        RngStream r(t.rng, Stream::SimOverrun, t.draw, in.communes[c].key, t.y);
        m_overrun[c] = sc.overrun.sample(r);
        plan_commune(c, t.y, m_overrun[c], m_plans[c]);
        m_closed[c] = m_plans[c].empty();
        double need = 0;
        for (const auto& item : m_plans[c]) {
            need += item.cost;
            m_reason[c * nj + in.slots[item.slot].criterion] = kBindNotPushed;
        }
        m_need[c] = std::min(need, sc.capacity_per_commune_bn * m_effect[c]);
        total_need += m_need[c];
    }

    // Borrow what the plans need beyond the money at hand, within the year's credit and the cap.
    if (t.credit && total_need > money_at_hand + kEps) {
        const double room = std::max(
            0.0, t.credit->debt_cap - *t.debt - *t.arrears - m_sched_arrears - m_credit_reserve);
        const double b = std::min({total_need - money_at_hand, t.credit_available, room});
        if (b > 0) {
            t.L.borrowed += b;
            t.L.realised[idx(Source::Credit)] += b;
            *t.debt += b;
            t.pool.add(b, sc.sector_shares);
            for (int k = 1; k <= t.credit->repay_years; ++k) {
                const auto yy = static_cast<std::size_t>(t.y + k);
                if (yy < m_repay_due.size()) m_repay_due[yy] += b / t.credit->repay_years;
            }
        }
    }

    // Registered communes first (explicit targets, then the province's list), closest to the
    // standard first; then the policy for the rest.
    ++m_stamp;
    // Registered communes' soft-criteria programmes are paid first (they are cheap beside works
    // and take years): from the commune's own money, then the pool.
    auto pay_programme = [&](std::size_t c, std::uint32_t i) {
        if (m_prog_paid[i] || m_status_met[c * nj + m_status_j[i]] ||
            !in.criterion_applies(m_status_j[i], t.y))
            return false;
        const double cost = m_soft_cost[i];
        if (cost > m_local[c] + t.pool.total() + kEps) return false;
        const double own = std::min(m_local[c], cost);
        m_local[c] -= own;
        t.pool.withdraw(cost - own);
        t.L.spent_programmes += cost;
        m_prog_paid[i] = 1;
        return true;
    };
    auto pay_programmes = [&](std::size_t c) {
        for (std::uint32_t i = m_status_first[c]; i < m_status_first[c + 1]; ++i)
            pay_programme(c, i);
    };
    for (const std::uint8_t kind : {kRegisteredTarget, kRegisteredRule})
        for (const auto c : closest_order([&](std::size_t c) {
                 return m_registered[c] == kind && m_status_open[c] > 0 && !is_scheduled(c);
             }))
            pay_programmes(c);
    auto has_plan = [&](std::size_t c) { return !m_plans[c].empty(); };
    for (const std::uint8_t kind : {kRegisteredTarget, kRegisteredRule})
        for (const auto c :
             closest_order([&](std::size_t c) { return has_plan(c) && m_registered[c] == kind; }))
            fund(t, c, &t.pool);
    // Then the floor: a commune below it, the weakest first, has as many programmes pushed as it
    // lacks criteria to reach it, so the province lifts it to the floor, not to the standard:
    // first those whose criterion waits on the programme alone (no work or income missing), then
    // those with the most effort behind them (ties: criterion order).
    if (const int floor = sc.registration.floor_criteria; floor > 0) {
        const auto& order = closest_order([&](std::size_t c) {
            return below_floor(c, floor) && m_status_open[c] > 0 && !is_scheduled(c);
        });
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const std::size_t c = *it;
            m_floor_items.clear();
            for (std::uint32_t i = m_status_first[c]; i < m_status_first[c + 1]; ++i)
                if (!m_status_met[c * nj + m_status_j[i]]) m_floor_items.push_back(i);
            std::stable_sort(m_floor_items.begin(), m_floor_items.end(),
                             [&](std::uint32_t a, std::uint32_t b) {
                                 const bool alone_a = only_programme_open(c, m_status_j[a], t.y);
                                 const bool alone_b = only_programme_open(c, m_status_j[b], t.y);
                                 if (alone_a != alone_b) return alone_a;
                                 return m_effort[a] > m_effort[b];
                             });
            auto lacking = floor - static_cast<int>(m_met_count[c]);
            for (const auto i : m_floor_items) {
                if (lacking <= 0) break;
                lacking -= pay_programme(c, i) ? 1 : 0;
            }
        }
    }
    auto rest = [&](std::size_t c) { return has_plan(c) && m_registered[c] == kNotRegistered; };
    switch (sc.policy) {
        case scenario::Policy::ClosestToStandardFirst:
            for (const auto c : closest_order(rest)) fund(t, c, &t.pool);
            break;
        case scenario::Policy::CostEffectiveness: {
            // Criteria the full plan would complete per bn: the most first; ties in the draw's
            // order.
            std::vector<std::tuple<double, std::uint32_t, std::uint32_t>> keyed;
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
                keyed.emplace_back(-(gained + 1e-3) / std::max(m_need[c], 1e-6), m_draw_pos[c],
                                   static_cast<std::uint32_t>(c));
            }
            std::sort(keyed.begin(), keyed.end());
            for (const auto& [key, pos, c] : keyed) fund(t, c, &t.pool);
            break;
        }
        case scenario::Policy::EqualShare:
        case scenario::Policy::Population:
        case scenario::Policy::FixedShares: {
            std::vector<std::uint32_t> eligible;
            double weight_total = 0;
            for (const auto c : m_by_rank) {
                if (!rest(c)) continue;
                eligible.push_back(c);
                weight_total += sc.policy == scenario::Policy::Population
                                    ? static_cast<double>(in.communes[c].population)
                                    : 1.0;
            }
            // Each eligible commune gets its share of the pool; what it cannot use goes back.
            const Purse snapshot = t.pool;
            for (const auto c : eligible) {
                double f = 0;
                if (sc.policy == scenario::Policy::FixedShares) {
                    f = in.communes[c].fixed_share;
                } else if (weight_total > 0) {
                    f = (sc.policy == scenario::Policy::Population
                             ? static_cast<double>(in.communes[c].population)
                             : 1.0) /
                        weight_total;
                }
                Purse allotment = snapshot.scaled(f);
                t.pool.add(allotment, -1);
                fund(t, c, &allotment);
                t.pool.add(allotment, +1);
            }
            break;
        }
    }
    // Money left after the works pushes the programmes of the other communes too, closest to the
    // standard first: effort starts where money is spent on it.
    for (const auto c : closest_order([&](std::size_t c) {
             return in.communes[c].assessed && m_registered[c] == kNotRegistered &&
                    m_status_open[c] > 0 && !is_scheduled(c);
         }))
        pay_programmes(c);
}

void DrawRunner::build(Year& t) {
    const auto& in = m_in;
    const int lag = in.scenario->build_lag_years;
    for (const auto& w : m_funded) {
        if (lag == 0) {
            m_x_done[w.slot] += w.dx;
            m_D_done[w.slot] += w.dD;
            touch(in.slots[w.slot].commune, in.slots[w.slot].criterion);
        } else {
            m_pending.push_back({w.slot, w.dx, w.dD, t.y + lag});
        }
    }
}

void DrawRunner::soft_programmes(Year& t) {
    const auto& in = m_in;
    const std::size_t nc = in.communes.size(), nj = in.criteria_count();
    for (std::size_t c = 0; c < nc; ++c) {
        if (m_status_open[c] == 0) continue;
        for (std::uint32_t i = m_status_first[c]; i < m_status_first[c + 1]; ++i) {
            const std::size_t j = m_status_j[i];
            char& met = m_status_met[c * nj + j];
            if (met || !in.criterion_applies(j, t.y)) continue;
            std::uint8_t& reason = m_reason[c * nj + j];
            // A pushed year (paid in allocate()) adds a year of effort; otherwise the background.
            double gain = m_soft_background[i];
            reason = kBindMoney;
            if (m_prog_paid[i]) {
                gain = 1.0;
                reason = kBindLeadTime;
            }
            m_effort[i] += gain;
            if (m_effort[i] + kEps >= m_lead[i]) {
                met = 1;
                --m_status_open[c];
                touch(c, j);
                if (t.traced(c))
                    *t.out +=
                        "  programme for criterion " + in.set->criteria[j].id + " completed\n";
            }
        }
    }
}

void DrawRunner::evaluate(Year& t, Aggregate& agg, bool differences) {
    const auto& in = m_in;
    const std::size_t nc = in.communes.size(), nj = in.criteria_count();
    constexpr std::uint32_t kMinusOne =
        ~0U;  // differences are added modulo 2³²; the running sum is exact
    // Only communes where something changed are evaluated again; the others keep last year's
    // verdicts. In differences mode (after the first year) only changes are written.
    std::size_t district_at = 0, district_reached = 0;
    const int y = t.y;
    const auto yy = static_cast<std::size_t>(y);
    const bool full = !differences || y == 0;
    for (std::size_t c = 0; c < nc; ++c) {
        const bool assessed = in.communes[c].assessed;
        const bool tracing = t.traced(c);
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
        m_met_count_by_year[c * static_cast<std::size_t>(in.years) + yy] =
            static_cast<std::uint16_t>(met_count);
        // Recognition at the end of the year in which every criterion is met; the title is kept.
        const bool standard = assessed && met_count == in.criteria_in_force(y);
        const bool was_reached = m_reached_year[c] >= 0;
        if (standard && !was_reached) m_reached_year[c] = y;
        const bool reached = m_reached_year[c] >= 0;
        std::uint32_t* hist = &agg.met_hist[(c * agg.years + yy) * (nj + 1)];
        if (full) {
            for (std::size_t j = 0; j < nj; ++j)
                met_row[j] += static_cast<std::uint32_t>(m_met[c * nj + j]);
            hist[met_count]++;
            agg.at_standard[agg.cy(c, yy)] += standard;
            agg.reached[agg.cy(c, yy)] += reached;
        } else {
            if (met_count != before_count) {
                hist[before_count] += kMinusOne;
                hist[met_count]++;
            }
            const bool was_standard =
                assessed && before_count == in.criteria_in_force(y > 0 ? y - 1 : 0);
            if (standard != was_standard)
                agg.at_standard[agg.cy(c, yy)] += standard ? 1U : kMinusOne;
            if (reached && !was_reached) agg.reached[agg.cy(c, yy)]++;
        }
        agg.registered[agg.cy(c, yy)] += m_registered[c] != kNotRegistered;
        // A target missed at its deadline: what kept each criterion still open from being met.
        const auto& ci = in.communes[c];
        if (ci.target_by == t.year && !reached) {
            for (std::size_t j = 0; j < nj; ++j) {
                if (m_met[c * nj + j]) continue;
                std::uint8_t reason = m_reason[c * nj + j];
                for (std::uint32_t i = m_crit_slot_first[c * nj + j];
                     i < m_crit_slot_first[c * nj + j + 1]; ++i)
                    if (!m_slot[m_commune_slot[i]].measurable) reason = kBindUnknown;
                agg.binding[(c * nj + j) * kBindingReasons + reason]++;
            }
        }
        agg.lost[agg.cy(c, yy)] += lost;
        district_at += standard;
        district_reached += reached;
        if (tracing) {
            *t.out += "  own money left " + format_fixed(m_local[c], 2) + " bn; spent " +
                      format_fixed(m_spent[c], 2) + " bn of a plan of " +
                      format_fixed(m_need[c], 2) + " bn; criteria met " +
                      std::to_string(met_count) + "/" + std::to_string(nj) +
                      (gained_ids.empty() ? "" : "; gained" + gained_ids) +
                      (lost_ids.empty() ? "" : "; lost" + lost_ids) +
                      (standard ? "; at the standard" : "") + "\n";
        }
    }
    agg.district_at_standard[yy * (nc + 1) + district_at]++;
    agg.district_reached[yy * (nc + 1) + district_reached]++;
}

void DrawRunner::record(Year& t, Aggregate& agg, bool differences) {
    const auto& in = m_in;
    const std::size_t nc = in.communes.size(), ns = in.slots.size();
    const auto yy = static_cast<std::size_t>(t.y);
    auto& L = t.L;
    // Money left over carries to next year; the gap is what plans needed beyond it.
    for (std::size_t c = 0; c < nc; ++c) {
        L.spent += m_spent[c];
        L.gap += std::max(0.0, m_need[c] - m_spent[c]);
    }
    double local_total = 0;
    for (const double v : m_local) local_total += v;
    for (const double v : m_account) local_total += v;
    L.carried_out = t.pool.total() + local_total;
    L.debt = *t.debt;
    if (differences) {
        // Works completed by the end of year y + lag: the slot's histogram moves from the
        // cursor at the start of this year to the one at its end.
        const auto done_year = static_cast<std::size_t>(t.y + in.scenario->build_lag_years);
        constexpr std::uint32_t kMinusOne = ~0U;
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
        for (std::size_t s = 0; s < ns; ++s)
            m_cursor_by_year[s * static_cast<std::size_t>(in.years) + yy] = m_cursor[s];
    }
    m_year_spent[yy] = L.spent + L.spent_programmes;
    m_year_gap[yy] = L.gap;
    auto* m = &agg.money[yy * kMoneyFields];
    m[kMoneyCarriedIn] += to_fixed(L.carried_in);
    m[kMoneyBorrowed] += to_fixed(L.borrowed);
    m[kMoneyRepaid] += to_fixed(L.repaid);
    m[kMoneySpent] += to_fixed(L.spent);
    m[kMoneySpentProgrammes] += to_fixed(L.spent_programmes);
    m[kMoneyCarriedOut] += to_fixed(L.carried_out);
    m[kMoneyGap] += to_fixed(L.gap);
    m[kMoneyDebt] += to_fixed(L.debt);
    for (std::size_t i = 0; i < scenario::kSectorCount; ++i)
        m[kMoneySpentSector0 + i] += to_fixed(L.spent_by_sector[i]);
    for (std::size_t i = 0; i < scenario::kSources.size(); ++i)
        m[kMoneyRealised0 + i] += to_fixed(L.realised[i]);
}

void DrawRunner::run_draw(std::uint32_t draw, Aggregate& agg, bool differences,
                          std::vector<YearLedger>* ledger, int trace, std::string* story) {
    const auto& in = m_in;
    const auto& sc = *in.scenario;
    const std::size_t ns = in.slots.size();
    const int Y = in.years;
    start_draw(draw);
    if (ledger) ledger->assign(static_cast<std::size_t>(Y), YearLedger{});

    Year t{Rng(sc.seed)};
    t.draw = draw;
    t.pool.by_sector = sc.sector_shares.has_value();
    double debt = 0, arrears = 0;
    t.debt = &debt;
    t.arrears = &arrears;
    m_repay_due.assign(static_cast<std::size_t>(Y) + 64, 0.0);
    for (const auto& f : sc.funding)
        if (f.source == Source::Credit) t.credit = &f;
    t.trace = trace;
    t.out = (trace >= 0 && story) ? story : nullptr;

    for (int y = 0; y < Y; ++y) {
        t.y = y;
        t.year = in.start + y;
        t.L = YearLedger{};
        t.credit_available = 0;
        double local_total = 0;
        for (const double v : m_local) local_total += v;
        for (const double v : m_account) local_total += v;
        t.L.carried_in = t.pool.total() + local_total;

        complete_works(t);
        grow_income(t);
        realise_funds(t);
        plan(t);
        mobilise(t);
        pay_schedule(t);
        repay(t);
        allocate(t);
        build(t);
        soft_programmes(t);
        evaluate(t, agg, differences);
        record(t, agg, differences);
        if (ledger) (*ledger)[static_cast<std::size_t>(y)] = t.L;
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
                const std::uint32_t pos =
                    funded_year >= 0 ? m_cursor_by_year[s * static_cast<std::size_t>(Y) +
                                                        static_cast<std::size_t>(funded_year)]
                                     : 0;
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
        t.reached_at(row, c) =
            static_cast<std::uint8_t>(m_reached_year[c] < 0 ? 0 : m_reached_year[c] + 1);
    for (std::uint32_t y = 0; y < t.years; ++y) {
        t.spent[std::size_t{row} * t.years + y] = m_year_spent[y];
        t.gap[std::size_t{row} * t.years + y] = m_year_gap[y];
    }
}

Aggregate simulate(const SimInput& in, std::uint32_t first, std::uint32_t count,
                   const std::function<void(std::size_t)>& progress, DrawTable* draws) {
    if (draws) {
        draws->resize(first, count, static_cast<std::uint32_t>(in.communes.size()),
                      static_cast<std::uint32_t>(in.years));
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
            if (draws)
                runner.record(*draws, static_cast<std::uint32_t>(d));  // its own row: no race
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
