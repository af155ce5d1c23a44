#include "calibrate/fit.h"

#include <boost/numeric/ublas/lu.hpp>
#include <boost/numeric/ublas/matrix.hpp>
#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "core/error.h"
#include "core/rng.h"
#include "sim/input.h"

namespace ublas = boost::numeric::ublas;

namespace ntm::calibrate {

Ensemble run_points(const Model& model, const scenario::Scenario& s, const std::vector<Point>& points,
                    std::uint32_t draws, int last_year, std::uint32_t first_draw) {
    scenario::Scenario cut = s;
    cut.end = std::clamp(last_year, s.start, s.end);
    const auto in = sim::compile(*model.area, *model.measures, *model.set, cut, model.layers);
    return simulate_ensemble(in, points, first_draw, draws);
}

std::vector<std::vector<double>> parameter_draws(const FitResult& f, std::size_t count, std::uint64_t seed) {
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
            for (auto& v : zs) v = z.normal();
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = 0; j <= i; ++j) x[i] += L[i * n + j] * zs[j];
                x[i] = std::clamp(x[i], f.params[i].low, f.params[i].high);
            }
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
        case nlopt::SUCCESS: return "converged";
        case nlopt::STOPVAL_REACHED: return "objective reached its stop value";
        case nlopt::FTOL_REACHED: return "converged (objective stopped improving)";
        case nlopt::XTOL_REACHED: return "converged (parameters stopped moving)";
        case nlopt::MAXEVAL_REACHED: return "stopped at the evaluation limit: the fit may not have converged";
        case nlopt::MAXTIME_REACHED: return "stopped at the time limit";
        default: return "stopped (" + std::to_string(static_cast<int>(r)) + ")";
    }
}

}  // namespace

FitResult fit(const Model& model, const scenario::Scenario& base, const std::vector<Param>& params,
              const std::vector<Observation>& targets, const FitOptions& options) {
    const std::size_t n = params.size(), k = targets.size();
    if (n == 0) throw UsageError("nothing to fit: give at least one --fit KEY");
    if (k < n)
        throw UsageError("only " + std::to_string(k) + " observed value(s) to fit " + std::to_string(n) +
                         " parameter(s): a fit needs at least as many observations as parameters");
    std::vector<Point> points;
    int last_year = base.start;
    for (const auto& t : targets) {
        points.push_back({t.measure, t.year});
        last_year = std::max(last_year, t.year);
    }
    std::size_t communes = 0;
    for (const auto& c : model.area->communes) communes += c.kind == CommuneKind::Commune;

    FitResult r;
    r.params = params;
    r.targets = targets;
    r.draws = options.draws;
    r.seed = base.seed;
    for (const auto& p : params) r.start.push_back(std::clamp(param_value(base, p.key), p.low, p.high));

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
    auto objective_of = [&](const Ensemble& e) {
        double j = 0;
        for (std::size_t i = 0; i < k; ++i) {
            const double z = (e.mean(i) - targets[i].value) / r.scale[i];
            j += z * z;
        }
        return j;
    };
    // NLopt works on each parameter scaled to [0, 1] of its bounds.
    auto to_x = [&](const std::vector<double>& u) {
        std::vector<double> x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = params[i].low + u[i] * (params[i].high - params[i].low);
        return x;
    };
    struct Context {
        std::function<double(const std::vector<double>&)> f;
    } ctx;
    ctx.f = [&](const std::vector<double>& u) {
        ++r.evaluations;
        return objective_of(simulate_at(to_x(u)));
    };
    nlopt::opt opt(nlopt::LN_NELDERMEAD, static_cast<unsigned>(n));
    opt.set_lower_bounds(std::vector<double>(n, 0.0));
    opt.set_upper_bounds(std::vector<double>(n, 1.0));
    opt.set_min_objective(
        [](const std::vector<double>& u, std::vector<double>&, void* data) { return static_cast<Context*>(data)->f(u); },
        &ctx);
    opt.set_xtol_abs(options.xtol);
    opt.set_maxeval(options.max_evaluations);
    opt.set_initial_step(std::vector<double>(n, 0.1));
    std::vector<double> u(n);
    for (std::size_t i = 0; i < n; ++i) u[i] = (r.start[i] - params[i].low) / (params[i].high - params[i].low);
    double best = 0;
    nlopt::result how{};
    try {
        how = opt.optimize(u, best);
    } catch (const nlopt::roundoff_limited&) {
        how = nlopt::SUCCESS;  // the best point found is kept in u
    } catch (const std::exception& e) {
        throw Error(ErrorKind::Internal, std::string("the optimiser (NLopt Nelder–Mead) failed: ") + e.what());
    }
    r.stop_reason = nlopt_reason(how);
    r.values = to_x(u);

    // Uncertainty: θ̂ solves min (m(θ) − o)ᵀ W (m(θ) − o), W = diag(1 / scale²). With G = ∂m/∂θ
    // (central differences on the same draws) and Σ the covariance of the observed moments (the
    // observed year is taken as one draw of the process: the draws' covariance, plus the reporting
    // tolerance), V = (1 + 1/S) (GᵀWG)⁻¹ GᵀWΣWG (GᵀWG)⁻¹, where 1/S is the simulation noise of a
    // mean over S draws.
    const auto at_fit = simulate_at(r.values);
    r.objective = objective_of(at_fit);
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
    const Matrix A = ublas::prod(ublas::trans(G), WG);
    const Matrix B = ublas::prod(ublas::trans(WG), Matrix(ublas::prod(Sigma, WG)));
    Matrix Ainv;
    r.se.assign(n, std::numeric_limits<double>::infinity());
    r.correlation.assign(n, std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()));
    if (invert(A, Ainv)) {
        const Matrix V = ublas::prod(Matrix(ublas::prod(Ainv, B)), Ainv) * (1.0 + 1.0 / options.draws);
        for (std::size_t j = 0; j < n; ++j) r.se[j] = std::sqrt(std::max(0.0, V(j, j)));
        for (std::size_t a = 0; a < n; ++a)
            for (std::size_t b = 0; b < n; ++b)
                if (r.se[a] > 0 && r.se[b] > 0) r.correlation[a][b] = V(a, b) / (r.se[a] * r.se[b]);
    }
    // A parameter the moments do not respond to (a flat column of G) is not identified.
    for (std::size_t j = 0; j < n; ++j) {
        double norm = 0;
        for (std::size_t i = 0; i < k; ++i) norm += G(i, j) * G(i, j) / (r.scale[i] * r.scale[i]);
        if (norm == 0 || !std::isfinite(r.se[j])) {
            r.se[j] = std::numeric_limits<double>::infinity();
            r.identified = false;
        }
    }
    return r;
}

}  // namespace ntm::calibrate
