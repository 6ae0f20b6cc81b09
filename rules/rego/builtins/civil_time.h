// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (after
// Howard Hinnant's days_from_civil / civil_from_days), for the time builtins.
#pragma once

#include <cstdint>

namespace tollgate::rego::civil {

constexpr int64_t kSecondsPerDay = 86400;

struct Date {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

constexpr bool is_leap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

constexpr int days_in_month(int64_t year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Days before the first of the month in a non-leap year.
constexpr int days_before_month(int month) {
  constexpr int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
  return before[month - 1];
}

constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
// From the remainder, not a - floor_div(a, b) * b: that product overflows
// for a near INT64_MIN (e.g. the earliest nanosecond timestamp) although the result fits.
constexpr int64_t floor_mod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

constexpr int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr Date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{yoe + era * 400 + (m <= 2), m, d};
}

// 0 = Sunday.
constexpr int weekday(int64_t days) { return static_cast<int>(floor_mod(days + 4, 7)); }

// 0-based day of the year.
constexpr int day_of_year(const Date& d) {
  return days_before_month(d.month) + (d.month > 2 && is_leap(d.year) ? 1 : 0) + d.day - 1;
}

}  // namespace tollgate::rego::civil
