#include "tasks/value_set.hpp"

#include <string>

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

namespace {

long parse_bound(const std::string& text, const std::string& digits) {
  const bool all_digits = !digits.empty() && digits.size() <= 4 && digits.find_first_not_of("0123456789") == std::string::npos;
  if (!all_digits || std::stol(digits) > 4096)
    throw UsageError("value set '" + text + "': the bound must be an integer from 1 to 4096");
  return std::stol(digits);
}

}  // namespace

ValueSet parse_value_set(const std::string& text) {
  if (text == "pm1") return plus_minus_one();
  if (text.starts_with("int:")) return integers(parse_bound(text, text.substr(4)));
  if (text.starts_with("alphabet:")) return alphabet(parse_bound(text, text.substr(9)));
  throw UsageError("unknown value set '" + text + "'; valid: pm1, int:V, alphabet:K");
}

}  // namespace freelunch::tasks
