#pragma once
// The for-all-length certificate of THEORY §4 for counting tasks (S1): a time-invariant linear
// RNN over a finite alphabet, evaluated in a finite format, is a finite automaton. Enumerating
// the states reachable from h_0 (compared exactly: the value each entry holds) together with the
// count class c = (x_1 + ... + x_t) mod k, breadth first, either
//   - finds an input whose read-out differs from its count class: the shortest such input is the
//     witness (the layer fails), or
//   - closes: every successor of every reachable (state, class) pair is already known and every
//     read-out was right, so the read-out is right for every input of every length. This is a
//     proof about the computation in that arithmetic, not a test of some lengths;
//   - or stops at the cap on distinct states: every input up to the depth reached was right, and
//     nothing is claimed beyond (exact arithmetic with a non-repeating orbit ends here).
// It applies only to time-invariant layers (LinearRnn has no position-dependent parameters) and
// to point arithmetics (an interval's enclosure is not a state of the computation).
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "models/dot.hpp"
#include "models/linear_rnn.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::tasks {

// The read-out after each token: class 1 iff c · h > θ (threshold), or the index of the largest
// W_i · h (argmax; a tie is no class, hence wrong).
enum class ReadoutKind { threshold, argmax };

template <class V>
struct RnnReadout {
  ReadoutKind kind = ReadoutKind::threshold;
  std::vector<std::vector<V>> rows;  // threshold: one row c; argmax: one row per class
  std::optional<V> theta;            // threshold only
};

// The read-out in another value type (rounded once, like the layer's parameters).
template <arith::Arithmetic A>
RnnReadout<typename A::value_type> to_arithmetic(const A& ar, const RnnReadout<Rational>& r, const models::RoundingSemantics& sem) {
  RnnReadout<typename A::value_type> out{r.kind, {}, std::nullopt};
  for (const std::vector<Rational>& row : r.rows) {
    std::vector<typename A::value_type> mapped;
    for (const Rational& q : row) mapped.push_back(ar.from_rational(models::through_storage(q, sem)));
    out.rows.push_back(std::move(mapped));
  }
  if (r.theta) out.theta = ar.from_rational(models::through_storage(*r.theta, sem));
  return out;
}

// The read-out's class of h, computed in the arithmetic (dot products through models::dot) and
// compared exactly; nullopt for a tie or a non-finite score.
template <arith::PointArithmetic A>
std::optional<std::size_t> read_class(const A& ar, const RnnReadout<typename A::value_type>& r, const std::vector<typename A::value_type>& h,
                                      const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  std::vector<Rational> scores;
  for (const std::vector<V>& row : r.rows) {
    const V s = models::dot(ar, h.size(), [&](std::size_t j) -> const V& { return row[j]; }, [&](std::size_t j) -> const V& { return h[j]; }, sem);
    if (!ar.is_finite(s)) return std::nullopt;
    scores.push_back(ar.to_rational(s));
  }
  if (r.kind == ReadoutKind::threshold) {
    if (!r.theta || scores.size() != 1) throw UsageError("a threshold read-out needs one row and a threshold");
    return scores[0] > ar.to_rational(*r.theta) ? 1 : 0;
  }
  std::size_t best = 0;
  bool tie = false;
  for (std::size_t i = 1; i < scores.size(); ++i) {
    if (scores[i] > scores[best]) best = i, tie = false;
    else if (scores[i] == scores[best]) tie = true;
  }
  if (tie) return std::nullopt;
  return best;
}

struct AutomatonResult {
  bool closed = false;               // every reachable (state, class) pair enumerated
  std::size_t reachable_states = 0;  // distinct states h found
  std::size_t pairs = 0;             // distinct (state, class) pairs found
  std::size_t depth = 0;             // every input of length <= depth was checked (all when closed)
  std::size_t cap = 0;               // the cap on distinct states
  std::optional<std::vector<std::size_t>> witness;  // the shortest input with a wrong read-out
  std::optional<std::size_t> witness_read;           // its read-out (nullopt: a tie or non-finite)
  std::size_t witness_expected = 0;                   // its count class

  // "closed: 2 reachable states, 4 (state, class) pairs; correct for every length" or
  // "fails at T = 3: input 111 reads 0, count mod 3 = 0 ..." or "not closed up to 4096 states; ...".
  std::string describe(std::size_t modulus) const;
};

namespace detail {

// An exact key for a state: each entry's value (non-finite entries by their class), through the
// arithmetic's exact_key when it has one (MPFR: linear in the precision), else as a rational.
template <arith::PointArithmetic A>
std::string state_key(const A& ar, const std::vector<typename A::value_type>& h) {
  std::string key;
  for (const auto& x : h) {
    if (!ar.is_finite(x)) key += "nonfinite";  // one key for every overflowed value: they read out alike
    else if constexpr (requires { ar.exact_key(x); }) key += ar.exact_key(x);
    else key += ar.to_rational(x).str();
    key += ';';
  }
  return key;
}

}  // namespace detail

// Breadth-first enumeration of the (state, count class) pairs of `rnn` reachable from h_0, where
// symbol x adds x to the count mod `modulus`; the read-out must give the class after every token.
template <arith::PointArithmetic A>
AutomatonResult certify_count_mod(const A& ar, const models::LinearRnn<typename A::value_type>& rnn, const RnnReadout<typename A::value_type>& readout,
                                  std::size_t modulus, std::size_t state_cap, const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  if (modulus < 2) throw UsageError("a counting task needs a modulus of at least 2");
  if (state_cap == 0) throw UsageError("the state cap must be at least 1");
  rnn.check_shapes();
  struct Node {
    std::vector<V> h;
    std::size_t cls, parent, symbol, depth;
  };
  AutomatonResult out;
  out.cap = state_cap;
  std::vector<Node> nodes;
  std::unordered_map<std::string, std::size_t> pair_index;
  std::unordered_set<std::string> states;
  const std::size_t none = static_cast<std::size_t>(-1);
  auto path_to = [&](std::size_t i) {
    std::vector<std::size_t> xs;
    for (; nodes[i].parent != none; i = nodes[i].parent) xs.push_back(nodes[i].symbol);
    return std::vector<std::size_t>(xs.rbegin(), xs.rend());
  };
  const std::string key0 = detail::state_key(ar, rnn.h0);
  states.insert(key0);
  pair_index.emplace(key0 + "|0", 0);
  nodes.push_back({rnn.h0, 0, none, 0, 0});
  std::deque<std::size_t> queue{0};
  while (!queue.empty()) {
    const std::size_t i = queue.front();
    queue.pop_front();
    for (std::size_t x = 0; x < rnn.alphabet(); ++x) {
      std::vector<V> h = nodes[i].h;
      models::rnn_step(ar, rnn, x, h, sem);
      const std::size_t cls = (nodes[i].cls + x) % modulus;
      const std::optional<std::size_t> read = read_class(ar, readout, h, sem);
      if (read != cls) {
        std::vector<std::size_t> input = path_to(i);
        input.push_back(x);
        out.witness = std::move(input);
        out.witness_read = read;
        out.witness_expected = cls;
        out.depth = nodes[i].depth;  // every shorter input was right
        out.reachable_states = states.size();
        out.pairs = nodes.size();
        return out;
      }
      std::string key = detail::state_key(ar, h);
      const std::string pair = key + "|" + std::to_string(cls);
      if (pair_index.count(pair)) continue;
      if (states.insert(key).second && states.size() > state_cap) {
        out.depth = nodes[i].depth;  // the successors of this depth were not all checked
        out.reachable_states = states.size() - 1;
        out.pairs = nodes.size();
        return out;
      }
      pair_index.emplace(pair, nodes.size());
      nodes.push_back({std::move(h), cls, i, x, nodes[i].depth + 1});
      queue.push_back(nodes.size() - 1);
    }
  }
  out.closed = true;
  out.reachable_states = states.size();
  out.pairs = nodes.size();
  return out;
}

}  // namespace freelunch::tasks
