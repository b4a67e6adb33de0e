#include "dp/problem.hpp"

#include <algorithm>

#include "arith/errors.hpp"
#include "core/random.hpp"

namespace freelunch::dp {
namespace {

long dp_at(const std::vector<long>& dp, long j) { return j <= 0 ? 0 : dp[static_cast<std::size_t>(j - 1)]; }

long floor_mod(long x, long p) { return ((x % p) + p) % p; }

}  // namespace

Problem::Problem(ProblemKind kind, long p) : kind_(kind), p_(p) {
  if (has_modulus() && p_ < 2) throw UsageError("the modulus p must be at least 2 (got " + std::to_string(p_) + ")");
  if (has_modulus() && p_ > 1000) throw UsageError("the modulus p must be at most 1000 (got " + std::to_string(p_) + ")");
}

bool Problem::has_modulus() const { return kind_ == ProblemKind::halfindex_mod || kind_ == ProblemKind::trib_mod; }

std::string Problem::id() const {
  switch (kind_) {
    case ProblemKind::halfindex_mod: return "halfindex-mod";
    case ProblemKind::lis: return "lis";
    case ProblemKind::kadane: return "kadane";
    case ProblemKind::robber: return "robber";
    case ProblemKind::trib_mod: return "trib-mod";
  }
  return "";
}

std::string Problem::name() const { return has_modulus() ? id() + " p=" + std::to_string(p_) : id(); }

std::string Problem::rule() const {
  switch (kind_) {
    case ProblemKind::halfindex_mod: return "dp(i) = (dp(i-1) + dp(floor(i/2)) + s_i) mod p";
    case ProblemKind::lis: return "dp(i) = 1 + max{dp(j) : j < i, s_j < s_i}";
    case ProblemKind::kadane: return "dp(i) = max(s_i, dp(i-1) + s_i)";
    case ProblemKind::robber: return "dp(i) = max(dp(i-1), dp(i-2) + s_i)";
    case ProblemKind::trib_mod: return "dp(i) = (dp(i-1) + dp(i-2) + dp(i-3) + s_i) mod p";
  }
  return "";
}

long Problem::locality() const {
  switch (kind_) {
    case ProblemKind::kadane: return 1;
    case ProblemKind::robber: return 2;
    case ProblemKind::trib_mod: return 3;
    default: return 0;
  }
}

long Problem::input_min() const { return kind_ == ProblemKind::kadane ? -9 : 0; }
long Problem::input_max() const { return has_modulus() ? p_ - 1 : 9; }

long Problem::value_bound(std::size_t length) const {
  const long t = static_cast<long>(length);
  switch (kind_) {
    case ProblemKind::halfindex_mod:
    case ProblemKind::trib_mod: return p_ - 1;
    case ProblemKind::lis: return std::max(t, 9L);
    case ProblemKind::kadane:
    case ProblemKind::robber: return 9 * std::max(t, 1L);
  }
  return 0;
}

void Problem::validate_input(const std::vector<long>& s) const {
  if (s.empty()) throw UsageError("the input is empty: " + id() + " needs at least one token");
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] < input_min() || s[i] > input_max())
      throw UsageError("input token " + std::to_string(i + 1) + " = " + std::to_string(s[i]) + " is outside " + id() +
                       "'s range [" + std::to_string(input_min()) + ", " + std::to_string(input_max()) + "]");
}

std::vector<long> Problem::solve(const std::vector<long>& s) const {
  std::vector<long> dp;
  dp.reserve(s.size());
  for (long i = 1; i <= static_cast<long>(s.size()); ++i) {
    const long si = s[static_cast<std::size_t>(i - 1)];
    long v = 0;
    switch (kind_) {
      case ProblemKind::halfindex_mod: v = floor_mod(dp_at(dp, i - 1) + dp_at(dp, i / 2) + si, p_); break;
      case ProblemKind::lis: {
        long best = 0;
        for (long j = 1; j < i; ++j)
          if (s[static_cast<std::size_t>(j - 1)] < si) best = std::max(best, dp_at(dp, j));
        v = 1 + best;
        break;
      }
      case ProblemKind::kadane: v = std::max(si, dp_at(dp, i - 1) + si); break;
      case ProblemKind::robber: v = std::max(dp_at(dp, i - 1), dp_at(dp, i - 2) + si); break;
      case ProblemKind::trib_mod: v = floor_mod(dp_at(dp, i - 1) + dp_at(dp, i - 2) + dp_at(dp, i - 3) + si, p_); break;
    }
    dp.push_back(v);
  }
  return dp;
}

std::vector<Dependency> Problem::dependencies(std::size_t step) const {
  using K = Dependency::Kind;
  const long i = static_cast<long>(step);
  switch (kind_) {
    case ProblemKind::halfindex_mod: return {{K::value, i - 1}, {K::value, i / 2}, {K::input, i}};
    case ProblemKind::lis: {
      std::vector<Dependency> d{{K::input, i}};
      for (long j = 1; j < i; ++j) {
        d.push_back({K::input, j});
        d.push_back({K::value, j});
      }
      return d;
    }
    case ProblemKind::kadane: return {{K::value, i - 1}, {K::input, i}};
    case ProblemKind::robber: return {{K::value, i - 1}, {K::value, i - 2}, {K::input, i}};
    case ProblemKind::trib_mod: return {{K::value, i - 1}, {K::value, i - 2}, {K::value, i - 3}, {K::input, i}};
  }
  return {};
}

// LIS steps 1..last as one network with an output per step (output k - 1 is dp(k)), inputs as
// the dependencies of step `last`: s_i, then (s_j, dp(j)) for j = 1..last-1. With V = the value
// bound, candidate j is relu(dp(j) + 1 - (V + 1)(1 - [s_i - s_j >= 1])): dp(j) + 1 when s_j < s_i,
// 0 otherwise; m_0 = 1 and m_j = max(m_(j-1), candidate j), so m_(i-1) = 1 + the largest dp(j)
// with s_j < s_i, which is dp(i). s_i is rounded once; s_i - s_j is then within 1/4 of an integer
// and the comparison is the robust step at 1/2, so s_j needs no staircase of its own. The nodes
// of step i come before those of step i + 1: the network of step i is a prefix of this one.
ReluCircuit Problem::lis_network(std::size_t last, std::size_t length) const {
  const std::size_t arity = 2 * last - 1;
  const Rational big(value_bound(length) + 1);
  ReluCircuit c(arity);
  const Wire si = c.round(c.input(0), input_max());
  Wire best = c.affine({{si, 0}}, 1);
  c.output(best);
  for (std::size_t j = 1; 2 * j < arity; ++j) {
    const Wire smaller = c.step(c.affine({{si, 1}, {c.input(2 * j - 1), -1}}), Rational(1, 2));
    const Wire candidate = c.relu({{c.input(2 * j), 1}, {smaller, big}}, Rational(1) - big);
    best = c.max(best, candidate);
    c.output(best);
  }
  return c;
}

ReluCircuit Problem::transition(std::size_t step, std::size_t length) const {
  const std::size_t arity = dependencies(step).size();
  ReluCircuit c(arity);
  switch (kind_) {
    case ProblemKind::halfindex_mod:
    case ProblemKind::trib_mod: {
      // Round every input, sum, reduce mod p over the sum's range.
      Terms sum;
      for (std::size_t k = 0; k < arity; ++k) sum.emplace_back(c.round(c.input(k), p_ - 1), 1);
      const Wire z = c.affine(std::move(sum));
      c.output(c.mod(z, p_, static_cast<long>(arity) * (p_ - 1)));
      break;
    }
    case ProblemKind::kadane:  // s + relu(x)
      c.output(c.affine({{c.input(1), 1}, {c.relu({{c.input(0), 1}}), 1}}));
      break;
    case ProblemKind::robber: {  // max(x1, x2 + s) = x1 + relu(x2 + s - x1)
      const Wire gain = c.relu({{c.input(1), 1}, {c.input(2), 1}, {c.input(0), -1}});
      c.output(c.affine({{c.input(0), 1}, {gain, 1}}));
      break;
    }
    case ProblemKind::lis: {
      ReluCircuit chain = lis_network(step, length);
      const Wire last = chain.outputs().back();
      chain.clear_outputs();
      chain.output(last);
      return chain;
    }
  }
  return c;
}

std::vector<long> Problem::random_input(std::size_t length, std::uint64_t seed) const {
  Rng rng(seed);
  const long lo = kind_ == ProblemKind::kadane ? -2 : input_min();
  const long hi = kind_ == ProblemKind::kadane ? 4 : input_max();
  std::vector<long> s;
  s.reserve(length);
  for (std::size_t i = 0; i < length; ++i) s.push_back(rng.uniform(lo, hi));
  return s;
}

Problem parse_problem(const std::string& name, long p) {
  for (ProblemKind k : all_problem_kinds())
    if (Problem(k, 7).id() == name) return Problem(k, p);
  throw UsageError("unknown problem '" + name + "'; valid: " + problem_names());
}

std::vector<ProblemKind> all_problem_kinds() {
  return {ProblemKind::halfindex_mod, ProblemKind::lis, ProblemKind::kadane, ProblemKind::robber, ProblemKind::trib_mod};
}

std::string problem_names() { return "halfindex-mod, lis, kadane, robber, trib-mod"; }

}  // namespace freelunch::dp
