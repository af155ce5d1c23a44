#include "calibrate/fit.h"

#include <algorithm>
#include <boost/numeric/ublas/lu.hpp>
#include <boost/numeric/ublas/matrix.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <nlopt.hpp>

#include "core/error.h"
#include "core/rng.h"
#include "sim/input.h"

namespace ublas = boost::numeric::ublas;

namespace ntm::calibrate {

Ensemble run_points(const Model& model, const scenario::Scenario& s,
                    const std::vector<Point>& points, std::uint32_t draws, int last_year,
                    std::uint32_t first_draw) {
    scenario::Scenario cut = s;
    cut.end = std::clamp(last_year, s.start, s.end);
    const auto in = sim::compile(*model.area, *model.measures, *model.set, cut, model.layers);
    return simulate_ensemble(in, points, first_draw, draws);
}

std::vector<std::vector<double>> parameter_draws(const FitResult& f, std::size_t count,
                                                 std::uint64_t seed) {
    const std::size_t n = f.values.size();
    // V = D R D over the identified parameters, factored V = L Lᵀ (Cholesky, n is a handful).
    std::vector<double> L(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j) {
            if (!std::isfinite(f.se[i]) || !std::isfinite(f.se[j])) continue;
            const double r = i == j ? 1.0 : f.correlation[i][j];
            double v = (std::isfinite(r) ? r : 0.0) * f.se[i] * f.se[j];
            for (std::size_t k = 0; k < j; ++k) v -= L[i * n + k] * L[j * n + k];
            if (i == j) {
                L[i * n + i] = v > 0 ? std::sqrt(v) : 0.0;
            } else {
                L[i * n + j] = L[j * n + j] > 0 ? v / L[j * n + j] : 0.0;
            }
        }
    const Rng rng(seed);
    std::vector<std::vector<double>> out;
    for (std::size_t k = 0; k < count; ++k) {
        std::vector<double> x = f.values;
        if (k > 0) {
            RngStream z(rng, Stream::CalibrateParameters, static_cast<std::uint32_t>(k), 0);
            std::vector<double> zs(n);
            // Drawn again while outside the bounds (a truncated normal), cut after 100 tries.
            for (int attempt = 0; attempt < 100; ++attempt) {
                for (auto& v : zs) v = z.normal();
                bool inside = true;
                for (std::size_t i = 0; i < n; ++i) {
                    x[i] = f.values[i];
                    for (std::size_t j = 0; j <= i; ++j) x[i] += L[i * n + j] * zs[j];
                    inside = inside && x[i] >= f.params[i].low && x[i] <= f.params[i].high;
                }
                if (inside) break;
            }
            for (std::size_t i = 0; i < n; ++i)
                x[i] = std::clamp(x[i], f.params[i].low, f.params[i].high);
        }
        out.push_back(std::move(x));
    }
    return out;
}

double reporting_sd(const Measure& m, std::size_t communes) {
    if (m.kind == Measure::Kind::MeanMet) return 0.05;
    if (m.share) return communes ? 1.0 / static_cast<double>(communes) : 0.01;
    return 1.0;
}

namespace {

// std::vector storage: uBLAS's default unbounded_array uses allocator members removed in C++20.
using Matrix = ublas::matrix<double, ublas::row_major, std::vector<double>>;

// The inverse of a small square matrix by LU decomposition (Boost.uBLAS); false when singular.
bool invert(const Matrix& a, Matrix& inverse) {
    Matrix lu = a;
    ublas::permutation_matrix<std::size_t, std::vector<std::size_t>> pm(a.size1());
    if (ublas::lu_factorize(lu, pm) != 0) return false;
    inverse = ublas::identity_matrix<double>(a.size1());
    ublas::lu_substitute(lu, pm, inverse);
    for (std::size_t i = 0; i < inverse.size1(); ++i)
        for (std::size_t j = 0; j < inverse.size2(); ++j)
            if (!std::isfinite(inverse(i, j))) return false;
    return true;
}

std::string nlopt_reason(nlopt::result r) {
    switch (r) {
        case nlopt::SUCCESS:
            return "converged";
        case nlopt::STOPVAL_REACHED:
            return "objective reached its stop value";
        case nlopt::FTOL_REACHED:
            return "converged (objective stopped improving)";
        case nlopt::XTOL_REACHED:
            return "converged (parameters stopped moving)";
        case nlopt::MAXEVAL_REACHED:
            return "stopped at the evaluation limit: the fit may not have converged";
        case nlopt::MAXTIME_REACHED:
            return "stopped at the time limit";
        default:
            return "stopped (" + std::to_string(static_cast<int>(r)) + ")";
    }
}

}  // namespace

double FitResult::interval_low(std::size_t i) const {
    return std::isfinite(se[i]) ? std::max(params[i].low, values[i] - 1.645 * se[i])
                                : params[i].low;
}
double FitResult::interval_high(std::size_t i) const {
    return std::isfinite(se[i]) ? std::min(params[i].high, values[i] + 1.645 * se[i])
                                : params[i].high;
}

namespace {

// A Latin-hypercube design of `count` points in [0, 1]^n: each parameter's range cut into
// `count` equal strata, one point in each, the strata paired at random across parameters.
std::vector<std::vector<double>> latin_hypercube(std::size_t count, std::size_t n,
                                                 std::uint64_t seed) {
    const Rng rng(seed);
    RngStream u(rng, Stream::CalibrateParameters, 0, 1);
    std::vector<std::vector<double>> out(count, std::vector<double>(n));
    for (std::size_t j = 0; j < n; ++j) {
        std::vector<std::pair<double, std::size_t>> keys(count);
        for (std::size_t i = 0; i < count; ++i) keys[i] = {u.uniform(), i};
        std::sort(keys.begin(), keys.end());
        for (std::size_t i = 0; i < count; ++i)
            out[i][j] =
                (static_cast<double>(keys[i].second) + u.uniform()) / static_cast<double>(count);
    }
    return out;
}

// Where the profile first rises `rise` above its value at the fit, walking from the fit in
// `direction` (−1 or +1), by linear interpolation between grid points; NaN if it never does.
double profile_crossing(const std::vector<ProfilePoint>& prof, double fitted, double at_fit,
                        double rise, int direction) {
    std::vector<ProfilePoint> side;
    for (const auto& p : prof)
        if ((direction < 0 && p.value <= fitted) || (direction > 0 && p.value >= fitted))
            side.push_back(p);
    if (direction < 0) std::reverse(side.begin(), side.end());
    for (std::size_t i = 1; i < side.size(); ++i) {
        const double a = side[i - 1].objective - at_fit, b = side[i].objective - at_fit;
        if (b > rise) {
            const double t = b == a ? 1.0 : std::clamp((rise - a) / (b - a), 0.0, 1.0);
            return side[i - 1].value + t * (side[i].value - side[i - 1].value);
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

FitResult fit(const Model& model, const scenario::Scenario& base, const std::vector<Param>& params,
              const std::vector<Observation>& targets, const FitOptions& options) {
    const std::size_t n = params.size(), k = targets.size();
    if (n == 0) throw UsageError("nothing to fit: give at least one --fit KEY");
    std::size_t with_prior = 0;
    for (const auto& p : params) with_prior += !p.prior.flat();
    if (k + with_prior < n)
        throw UsageError("only " + std::to_string(k) + " observed value(s) and " +
                         std::to_string(with_prior) + " prior(s) to fit " + std::to_string(n) +
                         " parameter(s): give the parameters priors in the " +
                         "scenario's calibration: block, or fit fewer");
    std::vector<Point> points;
    int last_year = base.start;
    for (const auto& t : targets) {
        points.push_back({t.measure, t.year, t.month});
        last_year = std::max(last_year, t.year);
    }
    std::size_t communes = 0;
    for (const auto& c : model.area->communes) communes += c.kind == CommuneKind::Commune;

    FitResult r;
    r.params = params;
    r.targets = targets;
    r.draws = options.draws;
    r.seed = base.seed;
    for (const auto& p : params)
        r.start.push_back(std::clamp(param_value(base, p.key), p.low, p.high));

    auto simulate_at = [&](const std::vector<double>& x) {
        return run_points(model, with_params(base, params, x), points, options.draws, last_year);
    };
    // Weights fixed once, from the spread at the starting values, so the objective's shape does
    // not move while it is minimised.
    {
        const auto e0 = simulate_at(r.start);
        for (std::size_t i = 0; i < k; ++i) {
            const double rep = reporting_sd(targets[i].measure, communes);
            r.scale.push_back(std::sqrt(e0.covariance(i, i) + rep * rep));
        }
    }
    auto data_of = [&](const Ensemble& e) {
        double j = 0;
        for (std::size_t i = 0; i < k; ++i) {
            const double z = (e.mean(i) - targets[i].value) / r.scale[i];
            j += z * z;
        }
        return j;
    };
    auto prior_of = [&](const std::vector<double>& x) {
        double j = 0;
        for (std::size_t i = 0; i < n; ++i) j += params[i].prior.penalty(x[i]);
        return j;
    };
    // One trial: the penalised objective, −2 log posterior up to a constant. A value where a
    // prior has no density (a beta's 0) is kept finite so the optimiser can step back.
    auto evaluate = [&](const std::vector<double>& x) {
        ++r.evaluations;
        ProfilePoint p;
        p.prior = std::min(prior_of(x), 1e12);
        p.data = data_of(simulate_at(x));
        p.objective = p.data + p.prior;
        return p;
    };
    // NLopt works on each parameter scaled to [0, 1] of its bounds.
    auto to_x = [&](const std::vector<double>& u) {
        std::vector<double> x(n);
        for (std::size_t i = 0; i < n; ++i)
            x[i] = params[i].low + u[i] * (params[i].high - params[i].low);
        return x;
    };
    std::vector<double> u0(n);
    for (std::size_t i = 0; i < n; ++i)
        u0[i] = (r.start[i] - params[i].low) / (params[i].high - params[i].low);

    // 1. The design: the scenario's own values and a Latin hypercube over the bounds.
    const int budget = std::max(options.max_evaluations, 1);
    const std::size_t design = static_cast<std::size_t>(
        options.design_points > 0
            ? options.design_points
            : std::min<int>(std::max<int>(8, 4 * static_cast<int>(n)), budget / 3));
    r.design_points = static_cast<int>(design);
    std::vector<std::vector<double>> candidates = {u0};
    for (auto& u : latin_hypercube(design, n, base.seed)) candidates.push_back(std::move(u));
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t c = 0; c < candidates.size(); ++c)
        ranked.push_back({evaluate(to_x(candidates[c])).objective, c});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // 2. Local searches from the best points at least 0.15 of the range apart in some parameter.
    std::vector<std::size_t> starts;
    for (const auto& [value, c] : ranked) {
        if (static_cast<int>(starts.size()) >= std::max(options.local_starts, 1)) break;
        bool distinct = true;
        for (const auto s : starts) {
            double d = 0;
            for (std::size_t i = 0; i < n; ++i)
                d = std::max(d, std::abs(candidates[c][i] - candidates[s][i]));
            distinct = distinct && d >= 0.15;
        }
        if (distinct) starts.push_back(c);
    }
    struct Context {
        std::function<double(const std::vector<double>&)> f;
    } ctx;
    ctx.f = [&](const std::vector<double>& u) { return evaluate(to_x(u)).objective; };
    std::vector<double> best_u = candidates[ranked.front().second];
    double best = ranked.front().first;
    nlopt::result best_how = nlopt::MAXEVAL_REACHED;
    bool searched = false;
    for (std::size_t s = 0; s < starts.size(); ++s) {
        const int left = budget - r.evaluations;
        const int share = left / static_cast<int>(starts.size() - s);
        if (share < static_cast<int>(n) + 2) break;
        nlopt::opt opt(nlopt::LN_NELDERMEAD, static_cast<unsigned>(n));
        opt.set_lower_bounds(std::vector<double>(n, 0.0));
        opt.set_upper_bounds(std::vector<double>(n, 1.0));
        opt.set_min_objective([](const std::vector<double>& u, std::vector<double>&,
                                 void* data) { return static_cast<Context*>(data)->f(u); },
                              &ctx);
        opt.set_xtol_abs(options.xtol);
        opt.set_maxeval(share);
        opt.set_initial_step(std::vector<double>(n, 0.1));
        std::vector<double> u = candidates[starts[s]];
        double value = 0;
        nlopt::result how{};
        try {
            how = opt.optimize(u, value);
        } catch (const nlopt::roundoff_limited&) {
            how = nlopt::SUCCESS;  // the best point found is kept in u
            value = opt.last_optimum_value();
        } catch (const std::exception& e) {
            throw Error(ErrorKind::Internal,
                        std::string("the optimiser (NLopt Nelder–Mead) failed: ") + e.what());
        }
        r.local_minima.push_back(value);
        if (!searched || value < best) {
            best = value;
            best_u = u;
            best_how = how;
        }
        searched = true;
    }
    r.stop_reason = searched
                        ? nlopt_reason(best_how)
                        : "the trial budget allowed no local search: the best design point is kept";
    r.values = to_x(best_u);

    // 3. Uncertainty: θ̂ minimises (m(θ) − o)ᵀ W (m(θ) − o) + Σ −2 log p_j(θ_j), W = diag(1 /
    // scale²). With G = ∂m/∂θ (central differences on the same draws), P = diag(1 / prior variance)
    // (0 for a flat prior) and Σ the covariance of the observed moments (the observed year is one
    // draw of the process: the draws' covariance, plus the reporting tolerance), the normal
    // approximation of the posterior has H = GᵀWG + P and V = H⁻¹ ((1 + 1/S) GᵀWΣWG + P) H⁻¹, the
    // sandwich of the method of moments with each prior as one more observation; 1/S is the noise
    // of a mean over S draws. With W = Σ⁻¹ and no simulation noise it is the Laplace approximation
    // H⁻¹.
    const auto at_fit = simulate_at(r.values);
    r.data_objective = data_of(at_fit);
    r.prior_objective = prior_of(r.values);
    r.objective = r.data_objective + r.prior_objective;
    for (std::size_t i = 0; i < k; ++i) r.simulated.push_back(at_fit.mean(i));
    Matrix G(k, n);
    for (std::size_t j = 0; j < n; ++j) {
        const double h = options.step * (params[j].high - params[j].low);
        auto up = r.values, down = r.values;
        up[j] = std::min(params[j].high, r.values[j] + h);
        down[j] = std::max(params[j].low, r.values[j] - h);
        const auto eu = simulate_at(up), ed = simulate_at(down);
        for (std::size_t i = 0; i < k; ++i) G(i, j) = (eu.mean(i) - ed.mean(i)) / (up[j] - down[j]);
    }
    Matrix Sigma(k, k);
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = 0; b < k; ++b) {
            Sigma(a, b) = at_fit.covariance(a, b);
            if (a == b) {
                const double rep = reporting_sd(targets[a].measure, communes);
                Sigma(a, b) += rep * rep;
            }
        }
    Matrix WG(k, n);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < n; ++j) WG(i, j) = G(i, j) / (r.scale[i] * r.scale[i]);
    Matrix P(n, n);
    P.clear();
    for (std::size_t j = 0; j < n; ++j)
        if (!params[j].prior.flat()) P(j, j) = 1.0 / params[j].prior.variance();
    const Matrix H = Matrix(ublas::prod(ublas::trans(G), WG)) + P;
    const Matrix B = Matrix(ublas::prod(ublas::trans(WG), Matrix(ublas::prod(Sigma, WG)))) *
                         (1.0 + 1.0 / options.draws) +
                     P;
    Matrix Hinv;
    r.se.assign(n, std::numeric_limits<double>::infinity());
    r.correlation.assign(n, std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()));
    if (invert(H, Hinv)) {
        const Matrix V = ublas::prod(Matrix(ublas::prod(Hinv, B)), Hinv);
        for (std::size_t j = 0; j < n; ++j) r.se[j] = std::sqrt(std::max(0.0, V(j, j)));
        for (std::size_t a = 0; a < n; ++a)
            for (std::size_t b = 0; b < n; ++b)
                if (r.se[a] > 0 && r.se[b] > 0) r.correlation[a][b] = V(a, b) / (r.se[a] * r.se[b]);
    }
    // A parameter the moments do not respond to (a flat column of G) is informed by its prior
    // alone, or, with a flat prior, not identified.
    r.data_informed.assign(n, true);
    for (std::size_t j = 0; j < n; ++j) {
        double norm = 0;
        for (std::size_t i = 0; i < k; ++i) norm += G(i, j) * G(i, j) / (r.scale[i] * r.scale[i]);
        r.data_informed[j] = norm > 0;
        if ((norm == 0 && params[j].prior.flat()) || !std::isfinite(r.se[j])) {
            r.se[j] = std::numeric_limits<double>::infinity();
            r.identified = false;
        }
    }

    // 4. A value on its bound is a failed fit: the data (and prior) push it beyond what was
    // allowed.
    r.on_bound.assign(n, 0);
    for (std::size_t j = 0; j < n; ++j) {
        const double tol = options.bound_tolerance * (params[j].high - params[j].low);
        if (r.values[j] - params[j].low <= tol) r.on_bound[j] = -1;
        if (params[j].high - r.values[j] <= tol) r.on_bound[j] = 1;
        if (r.on_bound[j] != 0) {
            r.failed = true;
            r.failures.push_back(
                params[j].key + " = " + std::to_string(r.values[j]) + " is on its " +
                (r.on_bound[j] < 0 ? "lower" : "upper") + " bound (" +
                std::to_string(r.on_bound[j] < 0 ? params[j].low : params[j].high) +
                "): the observations push it beyond what the bounds and prior allow");
        }
    }
    if (!r.identified)
        r.notes.push_back("a parameter with a flat prior is not identified by these observations");

    // 5. The profile of the objective along each parameter, the others at the fit.
    r.profiles.assign(n, {});
    r.profile_low.assign(n, std::numeric_limits<double>::quiet_NaN());
    r.profile_high.assign(n, std::numeric_limits<double>::quiet_NaN());
    if (options.profile_points > 0) {
        for (std::size_t j = 0; j < n; ++j) {
            const double range = params[j].high - params[j].low;
            const double half =
                std::isfinite(r.se[j]) ? std::max(3 * r.se[j], 0.05 * range) : 0.25 * range;
            const double lo = std::max(params[j].low, r.values[j] - half),
                         hi = std::min(params[j].high, r.values[j] + half);
            std::vector<double> grid;
            const int m = std::max(options.profile_points, 2);
            for (int g = 0; g < m; ++g) grid.push_back(lo + (hi - lo) * g / (m - 1));
            grid.push_back(r.values[j]);
            std::sort(grid.begin(), grid.end());
            grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
            for (const double v : grid) {
                ProfilePoint p;
                if (v == r.values[j]) {
                    p = {v, r.objective, r.data_objective, r.prior_objective};
                } else {
                    auto x = r.values;
                    x[j] = v;
                    p = evaluate(x);
                    p.value = v;
                }
                r.profiles[j].push_back(p);
            }
            r.profile_low[j] = profile_crossing(r.profiles[j], r.values[j], r.objective, 2.706, -1);
            r.profile_high[j] =
                profile_crossing(r.profiles[j], r.values[j], r.objective, 2.706, +1);
            const auto lowest = std::min_element(
                r.profiles[j].begin(), r.profiles[j].end(),
                [](const auto& a, const auto& b) { return a.objective < b.objective; });
            if (lowest->objective < r.objective - 0.5)
                r.notes.push_back(
                    "along " + params[j].key + " the objective is lower at " +
                    std::to_string(lowest->value) + " (" + std::to_string(lowest->objective) +
                    " against " + std::to_string(r.objective) +
                    "): the search stopped short of the minimum; allow more trials (--max-evals)");
        }
    }
    return r;
}

}  // namespace ntm::calibrate
