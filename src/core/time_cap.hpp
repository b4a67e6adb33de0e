#pragma once
// Time estimates and the cap they are compared with (`--max-time` of eval, copy and cot), the
// time counterpart of io/memory.hpp. An estimate counts the arithmetic a run must do, from the
// same size bounds as the memory estimate: exact operations cost what GMP's multiplication of
// their size costs (calibrated on an x86-64 core, docs/conventions.md "Time caps"), the other
// arithmetics a fixed cost per operation of their precision. It is an estimate, within a factor
// of a few either way on the cases measured (docs/conventions.md), on a machine of that class:
// a run can outlast it, and the deadline (core/cancel.hpp) then stops it at the cap.
#include <string>

#include "arith/precision.hpp"

namespace freelunch {

struct TimeEstimate {
  double seconds = 0;
  std::string what;  // what was counted, one clause
};

inline constexpr double kDefaultTimeCap = 600;        // seconds: 10 minutes
inline constexpr double kLargestTimeCap = 1000 * 3600;  // 1000 hours
inline constexpr double kAnnouncedSeconds = 10;          // estimates this long are announced on stderr

// "90", "90s", "1.5m", "10min", "2h" -> seconds; UsageError for anything else, for 0 and
// for more than 1000 hours.
double parse_duration(const std::string& text);

// "0.2 s", "54 s", "7.5 min", "3.1 h" (two or three significant digits).
std::string format_duration(double seconds);

// Seconds for one exact operation (product, sum, comparison) of a number of `bits` bits with one
// of `other_bits` bits: a GMP multiplication of those sizes (linear in the larger when the other
// is a few words) plus a fixed overhead per operation. One argument: both of that size.
// `rational`: operands that are not dyadic, whose canonicalisation (gcds of the large parts) costs
// kGcdFactor multiplications when both are large.
inline constexpr double kGcdFactor = 30;
double exact_op_seconds(double bits, double other_bits, bool rational = false);
inline double exact_op_seconds(double bits) { return exact_op_seconds(bits, bits, false); }

// Seconds for one arithmetic operation (+, -, x) of a non-exact arithmetic; exp and log cost
// kTranscendentalOps of them.
double value_op_seconds(const arith::Precision& p);
inline constexpr double kTranscendentalOps = 20;

// The time cap in force: --max-time when given, else kDefaultTimeCap; `given` says which.
struct TimeCap {
  double seconds = kDefaultTimeCap;
  bool given = false;
  std::string text() const;  // "10 s (--max-time)" or "10 min (the default; --max-time)"
};
TimeCap time_cap_from(const std::string& option_text);  // empty: the default

// UsageError "<doing> needs about <estimate> (<what>), above the time cap <cap>; <advice>, or raise
// the cap with --max-time" when the estimate exceeds the cap.
void refuse_if_over(const TimeEstimate& need, const TimeCap& cap, const std::string& doing, const std::string& advice);

}  // namespace freelunch
