#pragma once
// The value sets of COPY (THEORY §2): ±1, the integers in [-V, V], an alphabet {0, ..., |V| - 1}.
#include <string>
#include <vector>

#include "arith/rational.hpp"

namespace freelunch::tasks {

struct ValueSet {
  enum class Kind { plus_minus_one, integers, alphabet };
  Kind kind = Kind::plus_minus_one;
  long bound = 1;  // V for integers, |V| for an alphabet

  std::vector<Rational> values() const;
  Rational max_abs() const;
  std::string name() const;  // "{-1,1}", "[-V,V]", "{0..|V|-1}"
};

ValueSet plus_minus_one();
ValueSet integers(long bound);  // bound >= 1
ValueSet alphabet(long size);   // size >= 2
// "pm1", "int:V" or "alphabet:K"; UsageError naming the valid forms otherwise. Bounds above
// 4096 are refused (every value is tried at every output).
ValueSet parse_value_set(const std::string& text);

}  // namespace freelunch::tasks
