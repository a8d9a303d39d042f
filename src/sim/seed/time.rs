//! The simulated tenant's clock: fixed instants, never "now", whole-second UTC strings.

use super::rng::Rng;

pub(crate) const MINUTE: i64 = 60;
pub(crate) const HOUR: i64 = 3600;
pub(crate) const DAY: i64 = 86_400;

/// Day number (days since 1970-01-01) of a proleptic Gregorian date.
pub(crate) const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Unix seconds at midnight UTC of a date.
pub(crate) const fn date(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d) * DAY
}

/// The first ticket of the simulated history.
pub(crate) const START: i64 = date(2026, 9, 1);
/// The simulated tenant's "now": a Friday afternoon (US time), 2026-11-20T17:00:00Z.
pub(crate) const NOW: i64 = date(2026, 11, 20) + 17 * HOUR;

/// `2026-10-05T14:30:00Z`.
pub(crate) fn ts(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let s = secs.rem_euclid(DAY);
    // Hand-rolled rather than `format!`: large tenants format a few hundred thousand of these.
    let mut b = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: i64| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, s / HOUR);
    put(14, 2, s % HOUR / MINUTE);
    put(17, 2, s % MINUTE);
    String::from_utf8(b.to_vec()).expect("ASCII")
}

/// A random quarter-hour during US business hours (14:00-23:00 UTC) on `day` (any instant of it).
pub(crate) fn business(rng: &mut Rng, day: i64) -> i64 {
    day.div_euclid(DAY) * DAY + 14 * HOUR + rng.range(0, 36) * 15 * MINUTE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_whole_second_utc() {
        assert_eq!(ts(START), "2026-09-01T00:00:00Z");
        assert_eq!(ts(NOW), "2026-11-20T17:00:00Z");
        assert_eq!(
            ts(date(2024, 2, 29) + 14 * HOUR + 30 * MINUTE + 5),
            "2024-02-29T14:30:05Z"
        );
        assert_eq!(ts(0), "1970-01-01T00:00:00Z");
        for day in [-1000, 0, 19_000, 20_697, 30_000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
