#include "linalg/scan_rank_profile.hpp"

#include <flint/nmod.h>
#include <flint/nmod_mat.h>
#include <flint/ulong_extras.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/cancel.hpp"
#include "linalg/flint_matrix.hpp"

namespace freelunch::linalg {
namespace {

using Residues = std::vector<mp_limb_t>;

// q mod p, or nullopt when p divides q's denominator.
std::optional<mp_limb_t> residue(const Rational& q, const nmod_t& mod) {
  const mp_limb_t den = mpz_fdiv_ui(mpq_denref(q.backend().data()), mod.n);
  if (den == 0) return std::nullopt;
  const mp_limb_t num = mpz_fdiv_ui(mpq_numref(q.backend().data()), mod.n);
  return nmod_mul(num, n_invmod(den, mod.n), mod);
}

// The parameters mod p (a, b, c per step and state), or nullopt when p divides a denominator.
struct ModularScan {
  Residues a, b, c;  // length x state each
};
std::optional<ModularScan> reduce(const models::ScanParams<Rational>& p, const nmod_t& mod) {
  ModularScan out;
  const std::size_t count = p.length * p.state;
  out.a.reserve(count), out.b.reserve(count), out.c.reserve(count);
  for (std::size_t t = 0; t < p.length; ++t) {
    throw_if_cancelled();
    for (std::size_t s = 0; s < p.state; ++s) {
      const auto a = residue(p.decay(t, s), mod), b = residue(p.key(t, s), mod), c = residue(p.query(t, s), mod);
      if (!a || !b || !c) return std::nullopt;
      out.a.push_back(*a), out.b.push_back(*b), out.c.push_back(*c);
    }
  }
  return out;
}

// splitmix64: the projections, a deterministic function of the seed.
struct SplitMix {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

// Lower bounds: rank over F_p of Y_r X_r (see the header), r = 1..N-1.
std::vector<long> modular_lower_bounds(const ModularScan& m, std::size_t length, std::size_t n, const nmod_t& mod, std::uint64_t seed,
                                       const std::function<void(std::size_t)>& on_block) {
  SplitMix rng{seed};
  Residues rho(length * n), sigma(length * n);
  for (mp_limb_t& x : rho) x = rng.next() % mod.n;
  for (mp_limb_t& x : sigma) x = rng.next() % mod.n;
  // X_r for r = 0..N-1, n x n each: X_0 = 0, X_r = diag(a_{r-1}) X_{r-1} + b_{r-1} σ_{r-1}ᵀ.
  Residues xs(length * n * n, 0);
  for (std::size_t r = 1; r < length; ++r) {
    const mp_limb_t* prev = &xs[(r - 1) * n * n];
    mp_limb_t* cur = &xs[r * n * n];
    const std::size_t t = r - 1;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t q = 0; q < n; ++q)
        cur[s * n + q] = nmod_add(nmod_mul(m.a[t * n + s], prev[s * n + q], mod), nmod_mul(m.b[t * n + s], sigma[t * n + q], mod), mod);
  }
  // Y_r backward: Y_N = 0, Y_r = (ρ_r c_rᵀ + Y_{r+1}) diag(a_r); block r pairs Y_r with X_r.
  std::vector<long> lower(length > 0 ? length - 1 : 0, 0);
  Residues y(n * n, 0);
  nmod_mat_t ym, xm, prod;
  nmod_mat_init(ym, static_cast<slong>(n), static_cast<slong>(n), mod.n);
  nmod_mat_init(xm, static_cast<slong>(n), static_cast<slong>(n), mod.n);
  nmod_mat_init(prod, static_cast<slong>(n), static_cast<slong>(n), mod.n);
  std::size_t done = 0;
  for (std::size_t r = length - 1; r >= 1; --r) {
    throw_if_cancelled();
    for (std::size_t q = 0; q < n; ++q)
      for (std::size_t s = 0; s < n; ++s)
        y[q * n + s] = nmod_mul(nmod_add(y[q * n + s], nmod_mul(rho[r * n + q], m.c[r * n + s], mod), mod), m.a[r * n + s], mod);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        nmod_mat_entry(ym, i, j) = y[i * n + j];
        nmod_mat_entry(xm, i, j) = xs[r * n * n + i * n + j];
      }
    nmod_mat_mul(prod, ym, xm);
    lower[r - 1] = static_cast<long>(nmod_mat_rank(prod));
    if (on_block) on_block(++done);
  }
  nmod_mat_clear(ym), nmod_mat_clear(xm), nmod_mat_clear(prod);
  return lower;
}

// ranks[k] = rank over Q of rows[0..k-1] (k = 0..rows.size()); stops eliminating once full.
std::vector<long> prefix_ranks(const std::vector<std::vector<Rational>>& rows, std::size_t width) {
  std::vector<long> ranks(rows.size() + 1, 0);
  std::vector<std::pair<std::size_t, std::vector<Rational>>> basis;  // (pivot, row with 1 there and 0 at earlier pivots)
  for (std::size_t k = 0; k < rows.size(); ++k) {
    ranks[k + 1] = ranks[k];
    if (basis.size() == width) continue;
    throw_if_cancelled();
    std::vector<Rational> v = rows[k];
    for (const auto& [pivot, row] : basis) {
      if (v[pivot] == 0) continue;
      const Rational f = v[pivot];
      for (std::size_t j = 0; j < width; ++j)
        if (row[j] != 0) v[j] -= f * row[j];
    }
    const auto lead = std::find_if(v.begin(), v.end(), [](const Rational& x) { return x != 0; });
    if (lead == v.end()) continue;
    const std::size_t pivot = static_cast<std::size_t>(lead - v.begin());
    const Rational inv = 1 / v[pivot];
    for (Rational& x : v) x *= inv;
    basis.emplace_back(pivot, std::move(v));
    ranks[k + 1] = static_cast<long>(basis.size());
  }
  return ranks;
}

// Upper bounds (see the header), r = 1..N-1.
std::vector<long> structural_upper_bounds(const models::ScanParams<Rational>& p, std::size_t& group_count) {
  const std::size_t length = p.length, n = p.state;
  // Groups: states with equal decay sequences (every state, for a scalar decay).
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t s = 0; s < n; ++s) {
    bool placed = false;
    for (auto& g : groups) {
      bool same = true;
      for (std::size_t t = 0; t < length && same; ++t) same = p.decay(t, g.front()) == p.decay(t, s);
      if (same) {
        g.push_back(s);
        placed = true;
        break;
      }
    }
    if (!placed) groups.push_back({s});
  }
  group_count = groups.size();
  std::vector<long> upper(length > 0 ? length - 1 : 0, 0);
  for (const auto& g : groups) {
    bool zero_decay = false;
    for (std::size_t t = 0; t < length && !zero_decay; ++t) zero_decay = p.decay(t, g.front()) == 0;
    const std::size_t width = g.size();
    std::vector<std::vector<Rational>> b_rows(length, std::vector<Rational>(width)), c_rows(length, std::vector<Rational>(width));
    for (std::size_t t = 0; t < length; ++t)
      for (std::size_t k = 0; k < width; ++k) {
        b_rows[t][k] = p.key(t, g[k]);
        c_rows[length - 1 - t][k] = p.query(t, g[k]);  // reversed: suffixes as prefixes
      }
    std::vector<long> b_ranks, c_ranks;
    if (!zero_decay) {
      b_ranks = prefix_ranks(b_rows, width);
      c_ranks = prefix_ranks(c_rows, width);
    } else {  // nonzero rows, at most |G|
      auto nonzero_rows = [&](const std::vector<std::vector<Rational>>& rows) {
        std::vector<long> counts(rows.size() + 1, 0);
        for (std::size_t k = 0; k < rows.size(); ++k)
          counts[k + 1] = std::min<long>(static_cast<long>(width),
                                         counts[k] + (std::any_of(rows[k].begin(), rows[k].end(), [](const Rational& x) { return x != 0; }) ? 1 : 0));
        return counts;
      };
      b_ranks = nonzero_rows(b_rows);
      c_ranks = nonzero_rows(c_rows);
    }
    for (std::size_t r = 1; r < length; ++r) upper[r - 1] += std::min(b_ranks[r], c_ranks[length - r]);
  }
  // And no rank passes the block's sides or the inner dimension.
  for (std::size_t r = 1; r < length; ++r) upper[r - 1] = std::min(upper[r - 1], static_cast<long>(std::min({n, r, length - r})));
  return upper;
}

}  // namespace

ScanRankBounds scan_rank_bounds(const models::ScanParams<Rational>& p, std::uint64_t seed, const std::function<void(std::size_t)>& on_block) {
  ScanRankBounds out;
  if (p.length < 2) return out;
  out.upper = structural_upper_bounds(p, out.groups);
  // The first 62-bit prime above 2^62 - 2^20 that divides no denominator.
  mp_limb_t prime = (mp_limb_t{1} << 62) - (mp_limb_t{1} << 20);
  std::optional<ModularScan> m;
  nmod_t mod;
  while (!m) {
    prime = n_nextprime(prime, 1);
    nmod_init(&mod, prime);
    m = reduce(p, mod);
  }
  out.prime = prime;
  out.lower = modular_lower_bounds(*m, p.length, p.state, mod, seed, on_block);
  // Both bounds are certain: one crossing the other is a defect, never a result.
  for (std::size_t r = 0; r < out.lower.size(); ++r)
    if (out.lower[r] > out.upper[r])
      throw std::logic_error("scan_rank_bounds: lower bound " + std::to_string(out.lower[r]) + " above upper bound " + std::to_string(out.upper[r]) +
                             " at r = " + std::to_string(r + 1));
  return out;
}

}  // namespace freelunch::linalg
