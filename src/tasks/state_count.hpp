#pragma once
// T1c, the information cause (THEORY §2). The one-entry state h_t = a h_{t-1} + b u_t with
// a = 1/|V| and b = 1, over the alphabet V = {0, ..., |V| - 1}, holds the whole sequence: in exact
// arithmetic h_L = Σ_j u_j |V|^-(L-j), a base-|V| number whose digits are the tokens. In an
// arithmetic whose values form a finite set F the state takes at most |F| values, so it can be
// injective on V^L only while L log|V| <= log|F|.
//
// injective_length counts the distinct final states over all |V|^L sequences, level by level:
// the states after L tokens are {a h + u : h a state after L - 1 tokens, u in V}. The recurrence
// is a function of the state, so once two sequences collide all their extensions collide: the
// largest injective L is found by increasing L until the first collision (or the cap).
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "arith/precision.hpp"
#include "arith/rational.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/storage.hpp"

namespace freelunch::tasks {

struct InjectivityResult {
  std::size_t largest = 0;          // the largest L whose |V|^L sequences give distinct states
  bool reached_cap = false;         // injective at every L up to the cap
  std::size_t cap = 0;
  std::size_t distinct_after = 0;   // distinct states at L = largest + 1 (when the cap was not reached)
  std::size_t sequences_after = 0;  // |V|^(largest + 1)
};

// Exhaustive: |V|^cap states are held at the last level, so cap is bounded by the caller
// (|V|^cap <= 2^20 on the full grid).
template <arith::PointArithmetic A>
InjectivityResult injective_length(const A& ar, long alphabet, std::size_t cap, const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  if (alphabet < 2) throw UsageError("the alphabet needs at least 2 tokens");
  auto stored = [&](const Rational& q) { return ar.from_rational(models::through_storage(q, sem)); };
  const V a = stored(Rational(1, alphabet));
  const V b = ar.from_int(1);
  std::vector<V> tokens;
  for (long u = 0; u < alphabet; ++u) tokens.push_back(stored(Rational(u)));

  InjectivityResult result;
  result.cap = cap;
  std::vector<V> states{ar.from_int(0)};  // h_0 = 0: the empty sequence
  for (std::size_t length = 1; length <= cap; ++length) {
    std::vector<V> next;
    next.reserve(states.size() * tokens.size());
    for (const V& h : states)
      for (const V& u : tokens) {
        const V* factors[2][2] = {{&a, &h}, {&b, &u}};  // a h + b u, in the scan's order
        next.push_back(models::dot(ar, 2, [&](std::size_t i) -> const V& { return *factors[i][0]; },
                                   [&](std::size_t i) -> const V& { return *factors[i][1]; }, sem));
      }
    // Distinct values (a non-finite state would be a collision of its own; none occurs here,
    // every state lies in [0, |V|)).
    std::vector<Rational> values;
    values.reserve(next.size());
    bool all_finite = true;
    for (const V& h : next) {
      if (!ar.is_finite(h)) all_finite = false;
      else values.push_back(ar.to_rational(h));
    }
    std::sort(values.begin(), values.end());
    const std::size_t distinct = static_cast<std::size_t>(std::unique(values.begin(), values.end()) - values.begin());
    if (!all_finite || distinct != next.size()) {
      result.distinct_after = distinct;
      result.sequences_after = next.size();
      return result;
    }
    result.largest = length;
    states = std::move(next);
  }
  result.reached_cap = true;
  return result;
}

// The tokens of a sequence from its exact final state: X = h_L |V|^(L-1) = Σ_j u_j |V|^(j-1) is
// the integer whose base-|V| digits, least significant first, are u_1..u_L (the latest token is
// the integer part of h_L). Empty when h_L is not of that form.
std::optional<std::vector<long>> decode_digits(const Rational& state, long alphabet, std::size_t length);

// The exact final state Σ_j u_j |V|^-(L-j) by the recurrence in exact rationals.
Rational exact_digit_state(const std::vector<long>& tokens, long alphabet);

// log2 of the number of distinct finite values of an arithmetic (both zeros count once); none
// where it is unbounded (`exact`) or astronomically large (MPFR, intervals: the bound is moot).
std::optional<double> log2_value_count(const arith::Precision& p);

}  // namespace freelunch::tasks
