#include "tasks/rank_constructions.hpp"

#include <algorithm>
#include <bit>
#include <numeric>

#include "arith/errors.hpp"
#include "arith/exact.hpp"
#include "core/random.hpp"
#include "models/sequence_matrix.hpp"

namespace freelunch::tasks {
namespace {

using models::ScanParams;

// Zero parameters for N = 2L and state n, with a scalar decay a everywhere.
ScanParams<Rational> empty_layer(std::size_t copy_length, std::size_t state, const Rational& decay) {
  const std::size_t length = 2 * copy_length;
  return {length, state, models::DecayKind::scalar, std::vector<Rational>(length, decay),
          std::vector<Rational>(length * state, Rational(0)), std::vector<Rational>(length * state, Rational(0)), std::nullopt};
}

ConstantSizeConstruction keep_positions(std::size_t copy_length, std::size_t state) {
  const Rational a(1, 2);
  ScanParams<Rational> p = empty_layer(copy_length, state, a);
  const Rational query = pow(Rational(2), static_cast<unsigned long>(copy_length));  // a^-L: distance L
  for (std::size_t k = 0; k < state; ++k) {
    p.b[k * state + k] = 1;
    p.c[(copy_length + k) * state + k] = query;
  }
  return {"keep n positions", true, std::move(p)};
}

std::vector<std::vector<int>> random_signs(std::size_t rows, std::size_t cols, Rng& rng) {
  std::vector<std::vector<int>> s(rows, std::vector<int>(cols));
  for (auto& row : s)
    for (int& x : row) x = rng.coin() ? 1 : -1;
  return s;
}

// Keys b_j = signs[j], queries c_{L+r} = scale · signs[r].
ScanParams<Rational> matched_filter(std::size_t copy_length, std::size_t state, const Rational& decay,
                                    const std::vector<std::vector<int>>& signs, const Rational& scale) {
  ScanParams<Rational> p = empty_layer(copy_length, state, decay);
  for (std::size_t j = 0; j < copy_length; ++j)
    for (std::size_t s = 0; s < state; ++s) {
      p.b[j * state + s] = signs[j][s];
      p.c[(copy_length + j) * state + s] = scale * signs[j][s];
    }
  return p;
}

// Entry (j, w) of the Sylvester–Hadamard matrix of order L: (-1)^popcount(j & w).
int walsh(std::size_t j, std::size_t w) { return std::popcount(j & w) % 2 == 0 ? 1 : -1; }

}  // namespace

std::vector<ConstantSizeConstruction> rank_constructions(std::size_t copy_length, std::size_t state, std::uint64_t seed) {
  if (state < 1 || state >= copy_length) throw UsageError("T1b needs 1 <= n < L");
  std::vector<ConstantSizeConstruction> out;
  out.push_back(keep_positions(copy_length, state));
  Rng rng(seed);
  const auto signs = random_signs(copy_length, state, rng);
  const Rational over_n(1, static_cast<long>(state));
  out.push_back({"random keys", false, matched_filter(copy_length, state, Rational(1), signs, over_n)});
  const Rational a(1, 2);
  out.push_back({"decayed keys", false,
                 matched_filter(copy_length, state, a, signs, over_n * pow(Rational(2), static_cast<unsigned long>(copy_length)))});
  if (std::has_single_bit(copy_length)) {
    // n distinct Walsh functions, picked by a partial Fisher–Yates shuffle of 0..L-1.
    std::vector<std::size_t> columns(copy_length);
    std::iota(columns.begin(), columns.end(), std::size_t{0});
    for (std::size_t k = 0; k < state; ++k)
      std::swap(columns[k], columns[k + static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(copy_length - 1 - k)))]);
    std::vector<std::vector<int>> walsh_keys(copy_length, std::vector<int>(state));
    for (std::size_t j = 0; j < copy_length; ++j)
      for (std::size_t s = 0; s < state; ++s) walsh_keys[j][s] = walsh(j, columns[s]);
    out.push_back({"rank-n projection", true,
                   matched_filter(copy_length, state, Rational(1), walsh_keys, Rational(1, static_cast<long>(copy_length)))});
  }
  return out;
}

linalg::Matrix<Rational> copy_block(const models::ScanParams<Rational>& params, std::size_t copy_length) {
  return arith::run_exact([&](const auto& ar) {
    const auto p = models::to_arithmetic(ar, params, models::RoundingSemantics{});
    const auto block = models::sequence_matrix_block(ar, p, copy_length, 2 * copy_length, 0, copy_length, models::RoundingSemantics{});
    return block.map([&](const auto& x) { return ar.to_rational(x); });
  });
}

Rational block_mean_squared_error(const linalg::Matrix<Rational>& block) {
  Rational total = 0;
  for (std::size_t r = 0; r < block.rows(); ++r)
    for (std::size_t j = 0; j < block.cols(); ++j) {
      const Rational e = block(r, j) - Rational(r == j ? 1 : 0);
      total += e * e;
    }
  return total / Rational(static_cast<long>(block.rows()));
}

Rational rank_error_bound(std::size_t copy_length, std::size_t state) {
  return Rational(static_cast<long>(copy_length - state), static_cast<long>(copy_length));
}

}  // namespace freelunch::tasks
