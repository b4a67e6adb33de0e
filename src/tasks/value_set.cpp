#include "tasks/value_set.hpp"

#include "arith/errors.hpp"

namespace freelunch::tasks {

std::vector<Rational> ValueSet::values() const {
  std::vector<Rational> out;
  switch (kind) {
    case Kind::plus_minus_one: return {Rational(-1), Rational(1)};
    case Kind::integers:
      for (long v = -bound; v <= bound; ++v) out.push_back(Rational(v));
      return out;
    case Kind::alphabet:
      for (long v = 0; v < bound; ++v) out.push_back(Rational(v));
      return out;
  }
  return out;
}

Rational ValueSet::max_abs() const {
  switch (kind) {
    case Kind::plus_minus_one: return 1;
    case Kind::integers: return Rational(bound);
    case Kind::alphabet: return Rational(bound - 1);
  }
  return 0;
}

std::string ValueSet::name() const {
  switch (kind) {
    case Kind::plus_minus_one: return "{-1,1}";
    case Kind::integers: return "[-" + std::to_string(bound) + "," + std::to_string(bound) + "]";
    case Kind::alphabet: return "{0.." + std::to_string(bound - 1) + "}";
  }
  return "";
}

ValueSet plus_minus_one() { return {ValueSet::Kind::plus_minus_one, 1}; }

ValueSet integers(long bound) {
  if (bound < 1) throw UsageError("integer value bound V must be at least 1");
  return {ValueSet::Kind::integers, bound};
}

ValueSet alphabet(long size) {
  if (size < 2) throw UsageError("an alphabet needs at least 2 symbols");
  return {ValueSet::Kind::alphabet, size};
}

}  // namespace freelunch::tasks
