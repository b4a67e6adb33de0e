#define BOOST_TEST_MODULE time_cap
#include "support/test_support.hpp"

#include <chrono>
#include <string>
#include <thread>

#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "core/time_cap.hpp"

using namespace freelunch;

BOOST_AUTO_TEST_CASE(durations_parse_with_units) {
  BOOST_TEST(parse_duration("90") == 90.0);
  BOOST_TEST(parse_duration("90s") == 90.0);
  BOOST_TEST(parse_duration("1.5m") == 90.0);
  BOOST_TEST(parse_duration("10min") == 600.0);
  BOOST_TEST(parse_duration("2h") == 7200.0);
  BOOST_TEST(parse_duration("0.25") == 0.25);
}

// Refused, quoting what was typed: zero, negative, exponents, unknown units, above 1000 h.
BOOST_AUTO_TEST_CASE(bad_durations_are_refused) {
  for (const std::string bad : {"0", "-1", "1e3", "", "s", "10 s", "10d", "nan", "inf", "3601000", "1001h", "0x10"}) {
    BOOST_TEST_CONTEXT(bad) {
      try {
        parse_duration(bad);
        BOOST_TEST(false);
      } catch (const UsageError& e) {
        BOOST_TEST(std::string(e.what()).find("'" + bad + "'") != std::string::npos);
      }
    }
  }
  BOOST_TEST(parse_duration("1000h") == kLargestTimeCap);
}

BOOST_AUTO_TEST_CASE(durations_format_in_readable_units) {
  BOOST_TEST(format_duration(0.5) == "0.5 s");
  BOOST_TEST(format_duration(54) == "54 s");
  BOOST_TEST(format_duration(450) == "7.5 min");
  BOOST_TEST(format_duration(3 * 3600) == "3 h");
}

// Costs grow with size, a small operand is cheaper than a balanced one of the larger's size, and
// non-dyadic (gcd) operands cost kGcdFactor times as much when both are large.
BOOST_AUTO_TEST_CASE(exact_costs_are_monotone) {
  double previous = 0;
  for (double bits = 64; bits < 1e9; bits *= 2) {
    const double t = exact_op_seconds(bits);
    BOOST_TEST(t > previous);
    previous = t;
    BOOST_TEST(exact_op_seconds(bits, 64) <= t);
  }
  BOOST_TEST(exact_op_seconds(1e7, 64) < exact_op_seconds(1e7) / 20);
  BOOST_TEST(exact_op_seconds(1e7, 1e7, true) > 20 * exact_op_seconds(1e7, 1e7, false));
}

BOOST_AUTO_TEST_CASE(over_the_cap_is_refused_with_estimate_and_option) {
  const TimeCap cap = time_cap_from("10s");
  BOOST_TEST(cap.given);
  refuse_if_over({9, "nine"}, cap, "x", "y");  // under: nothing
  try {
    refuse_if_over({54, "what was counted"}, cap, "evaluating", "use less");
    BOOST_TEST(false);
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "evaluating needs about 54 s (what was counted), above the time cap 10 s (--max-time); use less, or raise the cap with --max-time");
  }
  BOOST_TEST(!time_cap_from("").given);
  BOOST_TEST(time_cap_from("").seconds == kDefaultTimeCap);
}

// The deadline turns the polls into TimeCapExceeded once passed, and only while armed.
BOOST_AUTO_TEST_CASE(deadline_stops_polls) {
  throw_if_cancelled();  // not armed
  {
    const ScopedDeadline deadline(0.001, "1 ms (--max-time)");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    try {
      throw_if_cancelled();
      BOOST_TEST(false);
    } catch (const TimeCapExceeded& e) {
      BOOST_TEST(std::string(e.what()).find("1 ms (--max-time)") != std::string::npos);
    }
  }
  BOOST_TEST(!deadline_armed());
  throw_if_cancelled();
  const ScopedDeadline far(3600, "1 h");
  throw_if_cancelled();  // long before its end
}
