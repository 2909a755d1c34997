//! Rate limits: token buckets keyed by voter or by address hash, on the arena's [`Clock`].
//!
//! A bucket holds up to `count` requests and refills at `count` per period, so a person may come
//! back after a pause and do a burst, while a script's steady stream is held to the rate. The
//! buckets live in this server's memory: with several servers behind one address each admits the
//! rate, so the hard caps that decide what *counts* (votes per voter and per address per day) are
//! read from the database instead (see `super::TrustSettings`).
//!
//! [`Clock`]: crate::clock::Clock

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

/// "N per period", written `12/min`, `60/hour`, `3000/day`, `5/s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per_ms: i64,
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a rate such as 12/min, 60/hour or 3000/day");
        let (count, unit) = s.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let per_ms = match unit.trim() {
            "s" | "sec" | "second" => 1_000,
            "min" | "minute" => 60_000,
            "h" | "hour" => 3_600_000,
            "d" | "day" => 86_400_000,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(format!("{s:?}: a rate must allow at least 1"));
        }
        Ok(Rate { count, per_ms })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.per_ms {
            1_000 => "s",
            60_000 => "min",
            3_600_000 => "hour",
            86_400_000 => "day",
            _ => return write!(f, "{}/{}ms", self.count, self.per_ms),
        };
        write!(f, "{}/{unit}", self.count)
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

/// Past this many keys, full buckets (keys idle long enough to have refilled) are dropped.
const PRUNE_AT: usize = 100_000;

/// One rate, many keys.
#[derive(Debug)]
pub struct Buckets {
    rate: Rate,
    map: Mutex<HashMap<String, Bucket>>,
    /// When the map was last pruned: a full sweep at most once per period of the rate, so a
    /// flood of keys cannot make every request pay for one.
    pruned_at_ms: std::sync::atomic::AtomicI64,
}

impl Buckets {
    pub fn new(rate: Rate) -> Self {
        Buckets {
            rate,
            map: Mutex::new(HashMap::new()),
            pruned_at_ms: std::sync::atomic::AtomicI64::new(i64::MIN),
        }
    }

    fn refilled(&self, bucket: Option<Bucket>, now_ms: i64) -> Bucket {
        let capacity = f64::from(self.rate.count);
        match bucket {
            None => Bucket {
                tokens: capacity,
                at_ms: now_ms,
            },
            Some(b) => {
                let elapsed = (now_ms - b.at_ms).max(0) as f64;
                let per_ms = capacity / self.rate.per_ms as f64;
                Bucket {
                    tokens: (b.tokens + elapsed * per_ms).min(capacity),
                    at_ms: now_ms.max(b.at_ms),
                }
            }
        }
    }

    /// Takes one request from `key`'s bucket, or says in how many milliseconds one is free.
    pub fn take(&self, key: &str, now_ms: i64) -> Result<(), i64> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let last = self.pruned_at_ms.load(std::sync::atomic::Ordering::Relaxed);
        if map.len() >= PRUNE_AT
            && (last == i64::MIN || now_ms - last >= self.rate.per_ms.min(60_000))
        {
            self.pruned_at_ms
                .store(now_ms, std::sync::atomic::Ordering::Relaxed);
            let capacity = f64::from(self.rate.count);
            map.retain(|_, b| self.refilled(Some(*b), now_ms).tokens < capacity);
        }
        let mut bucket = self.refilled(map.get(key).copied(), now_ms);
        self.available(&bucket)?;
        bucket.tokens -= 1.0;
        map.insert(key.to_owned(), bucket);
        Ok(())
    }

    /// `Ok` if the bucket holds a whole request, else the milliseconds until it will.
    fn available(&self, bucket: &Bucket) -> Result<(), i64> {
        if bucket.tokens >= 1.0 {
            return Ok(());
        }
        let per_ms = f64::from(self.rate.count) / self.rate.per_ms as f64;
        Err((((1.0 - bucket.tokens) / per_ms).ceil() as i64).max(1))
    }

    /// Whether `key` could take one now, without taking it.
    pub fn would_allow(&self, key: &str, now_ms: i64) -> Result<(), i64> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        self.available(&self.refilled(map.get(key).copied(), now_ms))
    }

    /// How full `key`'s bucket is, 1.0 when untouched: under half means it is being flooded.
    pub fn level(&self, key: &str, now_ms: i64) -> f64 {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        self.refilled(map.get(key).copied(), now_ms).tokens / f64::from(self.rate.count)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(
            "12/min".parse::<Rate>().unwrap(),
            Rate {
                count: 12,
                per_ms: 60_000
            }
        );
        assert_eq!("3000/day".parse::<Rate>().unwrap().to_string(), "3000/day");
        for bad in ["", "12", "0/min", "x/min", "12/week", "-1/s"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bucket_allows_a_burst_then_the_rate() {
        let b = Buckets::new("6/min".parse().unwrap());
        let t0 = 1_000_000;
        for _ in 0..6 {
            b.take("k", t0).unwrap();
        }
        // The seventh must wait for one token: 10 seconds at 6 a minute.
        assert_eq!(b.take("k", t0), Err(10_000));
        assert_eq!(b.would_allow("k", t0 + 9_999), Err(1));
        b.take("k", t0 + 10_000).unwrap();
        assert!(b.take("k", t0 + 10_000).is_err());
        // Other keys are not affected; a long pause refills to the burst, not beyond.
        b.take("other", t0).unwrap();
        for _ in 0..6 {
            b.take("k", t0 + 3_600_000).unwrap();
        }
        assert!(b.take("k", t0 + 3_600_000).is_err());
        assert!(b.level("k", t0 + 3_600_000) < 0.5);
        assert_eq!(b.level("fresh", t0), 1.0);
    }
}
