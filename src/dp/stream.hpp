#pragma once
// The token stream a model reads and writes (THEORY §3), with a start token at position 0 that
// holds 0: every read of dp(j) with j <= 0 reads it, so "dp(j) = 0 for j <= 0" is a copy like
// any other (a softmax head must attend somewhere; a slot head reads an exact 0).
//
//   blocks       (general problems)  0 | s_1 .. s_T | dp(1) .. dp(T)       s_i at i, dp(i) at T + i
//   interleaved  (local problems)    0 | s_1, dp(1), s_2, dp(2), ...       s_i at 2i - 1, dp(i) at 2i
//
// dp(i) is generated at the position just before its own: the model reads the token there and
// writes the next one. Positions are 0-based.
#include <cstddef>
#include <vector>

#include "dp/problem.hpp"

namespace freelunch::dp {

enum class Layout { blocks, interleaved };

class Stream {
 public:
  Stream(Layout layout, std::size_t steps);
  static Stream for_problem(const Problem& problem, std::size_t steps) {
    return Stream(problem.is_local() ? Layout::interleaved : Layout::blocks, steps);
  }

  Layout layout() const { return layout_; }
  std::size_t steps() const { return steps_; }     // T
  std::size_t length() const { return 2 * steps_ + 1; }
  std::size_t input_position(std::size_t i) const;  // s_i, 1 <= i <= T
  std::size_t value_position(std::size_t i) const;  // dp(i), 1 <= i <= T
  std::size_t generating_position(std::size_t i) const { return value_position(i) - 1; }
  // Where a dependency of a step is read; dp(j <= 0) is the start token.
  std::size_t position(const Dependency& d) const;
  // The step whose value position is t, or 0 when t holds the start token or an input.
  std::size_t step_at(std::size_t t) const;

 private:
  Layout layout_;
  std::size_t steps_;
};

}  // namespace freelunch::dp
