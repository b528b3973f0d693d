//! Kubernetes `resource.Quantity` (k8s.io/apimachinery 1.37 / master:
//! `pkg/api/resource/quantity.go`, `amount.go`, `suffix.go`, `math.go`, `scale_int.go`).
//!
//! A quantity is an exact decimal `±mantissa × 10^exponent` (the mantissa is an arbitrary
//! precision integer, so `1e100`, 25-digit numbers and sums of them stay exact, as with
//! upstream's `inf.Dec` fallback) plus the [`Format`] it was written in. What upstream does and
//! this type reproduces:
//!
//! - Parsing scans `<sign><digits>.<digits><suffix>` exactly like `parseQuantityString`, so it
//!   accepts what upstream accepts (`.5`, `1.`, `+1`, `2E`, `1e-3`, `0.5Ki`…) and fails with
//!   upstream's three error texts.
//! - Values with more than nine decimal places are rounded **up** (away from zero) to the next
//!   nano (`0.1n` → `1n`); `BinarySI` values are capped at 2^63-1; a `BinarySI` value strictly
//!   between 0 and 1 becomes `DecimalSI`.
//! - [`Quantity::canonical`] is `Quantity.String()`: upstream remembers the text it parsed when
//!   that text "looks canonical" (its fast path: the digits do not end in `000`, do not start
//!   with `0` and the exponent is a multiple of 3 — for `BinarySI` the number is not a multiple
//!   of 8), and `String()` returns that text verbatim. Hence `+1` prints `+1`, `1.500` prints
//!   `1.500`, `1E3` prints `1E3`, `007` prints `007`. Arithmetic forgets the text.
//! - Otherwise the canonical form: strip factors of ten, lower the exponent to a multiple of 3,
//!   print the `DecimalSI` suffix (`n u m "" k M G T P E`) or `e<exp>` for `DecimalExponent`.
//!   `BinarySI` prints base-1024 (`Ki`…`Ei`) when the value is an integer of magnitude ≥ 1024
//!   and falls back to `DecimalSI` otherwise (`0.5Ki` → `512`, `1.5` as BinarySI → `1500m`).
//!   Upstream ignores a missing suffix: a decimal exponent above 18 prints no suffix at all
//!   (`1000E` prints `1`), and so does a base-1024 exponent above 60; both quirks are kept.
//! - Adding to a zero quantity adopts the other operand's format (`Quantity.Add`).
//!
//! Deviations, only for absurd magnitudes: sums or `BinarySI` renderings that would need more
//! than [`MAX_ALIGN_DIGITS`] decimal digits keep the larger operand / fall back to `DecimalSI`
//! instead of exhausting memory as upstream would; [`Quantity::scaled_value`] returns 0 on
//! int64 overflow (upstream's int64 path; its `inf.Dec` path wraps instead).

use serde_json::Value;
use std::cmp::Ordering;
use std::fmt;

/// `ErrFormatWrong`.
pub const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// `ErrNumeric` (kept for completeness: the scanner never lets such text through).
pub const NUMERIC_ERROR: &str = "unable to parse numeric part of quantity";
/// `ErrSuffix`.
pub const SUFFIX_ERROR: &str = "unable to parse quantity's suffix";

/// `resource.MaxMilliValue`: the largest value whose milli-value fits an int64.
pub const MAX_MILLI_VALUE: i64 = i64::MAX / 1000;

/// Exponent gaps (in decimal digits) beyond which arithmetic stops being exact; see the module
/// documentation.
pub const MAX_ALIGN_DIGITS: i64 = 4096;

/// The three serialisation formats of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `12e6`
    DecimalExponent,
    /// `12Mi` (12 × 2^20)
    BinarySI,
    /// `12M` (12 × 10^6)
    DecimalSI,
}

/// An exact quantity; see the module documentation.
#[derive(Clone, Debug)]
pub struct Quantity {
    negative: bool,
    /// No trailing decimal zeros (zero is the empty mantissa with exponent 0).
    mantissa: BigUint,
    exponent: i64,
    format: Format,
    /// The parsed text upstream would keep and print (`Quantity.s`).
    cached: Option<String>,
}

/// Parses `text` as `resource.ParseQuantity` does.
pub fn parse(text: &str) -> Result<Quantity, String> {
    Quantity::parse(text)
}

/// Reads a quantity from a JSON value as `Quantity.UnmarshalJSON` does: strings are trimmed and
/// parsed, `null` is zero, numbers are parsed from their JSON text (YAML `cpu: 1` reaches the API
/// server as the number `1`; floats are written the way Go's `encoding/json` writes them, which
/// is what kubectl sends), anything else fails with the parse error of its JSON text.
pub fn from_json(value: &Value) -> Result<Quantity, String> {
    match value {
        Value::String(text) => Quantity::parse(text.trim()),
        Value::Null => Ok(Quantity::zero(Format::DecimalSI)),
        Value::Number(number) => {
            let text = if let Some(i) = number.as_i64() {
                i.to_string()
            } else if let Some(u) = number.as_u64() {
                u.to_string()
            } else {
                go_json_float(number.as_f64().unwrap_or_default())
            };
            Quantity::parse(&text)
        }
        other => Quantity::parse(&other.to_string()),
    }
}

/// `encoding/json`'s float64 encoding: shortest `'f'` form, `'e'` form (`1e+21`, `1e-7`) below
/// 1e-6 and from 1e21.
fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if exponent.starts_with('-') => format!("{mantissa}e{exponent}"),
            Some((mantissa, exponent)) => format!("{mantissa}e+{exponent:0>2}"),
            None => text,
        }
    } else {
        format!("{f}")
    }
}

impl Quantity {
    /// A zero quantity in `format`.
    pub fn zero(format: Format) -> Self {
        Quantity { negative: false, mantissa: BigUint::default(), exponent: 0, format, cached: None }
    }

    /// `resource.NewQuantity(value, format)`.
    pub fn from_i64(value: i64, format: Format) -> Self {
        Self::from_parts(value < 0, BigUint::from_u128(u128::from(value.unsigned_abs())), 0, format)
    }

    /// `resource.NewMilliQuantity(value, format)`.
    pub fn from_milli(value: i64, format: Format) -> Self {
        Self::from_parts(value < 0, BigUint::from_u128(u128::from(value.unsigned_abs())), -3, format)
    }

    fn from_parts(negative: bool, mut mantissa: BigUint, mut exponent: i64, format: Format) -> Self {
        if mantissa.is_zero() {
            return Self::zero(format);
        }
        while mantissa.rem_small(10) == 0 {
            mantissa = mantissa.divrem_small(10).0;
            exponent += 1;
        }
        Quantity { negative, mantissa, exponent, format, cached: None }
    }

    /// `resource.ParseQuantity`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err(FORMAT_ERROR.to_string());
        }
        if text == "0" {
            let mut zero = Self::zero(Format::DecimalSI);
            zero.cached = Some(text.to_string());
            return Ok(zero);
        }
        let scanned = scan(text).map_err(str::to_string)?;
        let (base, exponent, format) = interpret_suffix(scanned.suffix).ok_or_else(|| SUFFIX_ERROR.to_string())?;
        let denom_len = scanned.denom.len() as i64;
        let shifted = format!("{}{}", scanned.num, scanned.denom);

        // The text upstream keeps: only values taking its int64 fast path, and only when they look
        // canonical already.
        let cached = match format {
            Format::BinarySI => {
                let precision = 15 - scanned.num.len() as i64 - i64::from(exponent) * 3 / 10 - 1;
                let value: Option<u128> =
                    (scanned.denom.is_empty() && precision >= 0).then(|| scanned.num.parse().ok()).flatten();
                let fits = value.and_then(|v| v.checked_mul(1u128 << exponent)).is_some_and(|p| p <= i64::MAX as u128);
                (fits && exponent % 10 == 0 && value.is_some_and(|v| v & 7 != 0)).then(|| text.to_string())
            }
            _ => {
                let precision = 18 - shifted.len() as i64;
                let scale = i64::from(exponent) - denom_len;
                (precision >= 0
                    && scale >= -9
                    && scale % 3 == 0
                    && !shifted.ends_with("000")
                    && !shifted.starts_with('0'))
                .then(|| text.to_string())
            }
        };

        // Trailing zeros go to the exponent before any big-number arithmetic.
        let significant = shifted.trim_end_matches('0');
        let zeros = (shifted.len() - significant.len()) as i64;
        let mut digits = BigUint::from_decimal(significant);
        let (mut mantissa, mut scale) = if base == 2 {
            digits.mul_pow2(exponent as u32);
            (digits, zeros - denom_len)
        } else {
            (digits, zeros + i64::from(exponent) - denom_len)
        };
        // Round non-zero values up to the nearest nano.
        if scale < -9 && !mantissa.is_zero() {
            mantissa = ceil_div_pow10(&mantissa, (-9 - scale) as u64);
            scale = -9;
        }
        let mut quantity = Self::from_parts(!scanned.positive, mantissa, scale, format);
        if format == Format::BinarySI && !quantity.is_zero() {
            let max = Self::from_i64(i64::MAX, Format::BinarySI);
            if quantity.cmp_magnitude(&max) == Ordering::Greater {
                quantity.mantissa = max.mantissa;
                quantity.exponent = max.exponent;
            }
            if quantity.cmp_magnitude(&Self::from_i64(1, Format::DecimalSI)) == Ordering::Less {
                quantity.format = Format::DecimalSI;
            }
        }
        quantity.cached = cached;
        Ok(quantity)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    /// -1, 0 or 1.
    pub fn sign(&self) -> i32 {
        if self.is_zero() {
            0
        } else if self.negative {
            -1
        } else {
            1
        }
    }

    /// `Quantity.String()`: the remembered parsed text if any, else [`Self::canonical_form`].
    pub fn canonical(&self) -> String {
        self.cached.clone().unwrap_or_else(|| self.canonical_form())
    }

    /// `Quantity.CanonicalizeBytes`: the canonical form, ignoring any remembered text.
    pub fn canonical_form(&self) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        let sign = if self.negative { "-" } else { "" };
        if self.format == Format::BinarySI
            && self.cmp_magnitude(&Self::from_i64(1024, Format::DecimalSI)) != Ordering::Less
            && (0..=MAX_ALIGN_DIGITS).contains(&self.exponent)
        {
            let mut value = self.mantissa.clone();
            value.mul_pow10(self.exponent as u64);
            let mut times = 0;
            while value.rem_small(1024) == 0 {
                value = value.divrem_small(1024).0;
                times += 1;
            }
            let suffix = match times {
                1 => "Ki",
                2 => "Mi",
                3 => "Gi",
                4 => "Ti",
                5 => "Pi",
                6 => "Ei",
                _ => "",
            };
            return format!("{sign}{}{suffix}", value.to_decimal());
        }
        let exponent = self.exponent - self.exponent.rem_euclid(3);
        let mut mantissa = self.mantissa.clone();
        mantissa.mul_pow10((self.exponent - exponent) as u64);
        let suffix = match self.format {
            Format::DecimalExponent if exponent == 0 => String::new(),
            Format::DecimalExponent => format!("e{exponent}"),
            _ => match exponent {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => "",
            }
            .to_string(),
        };
        format!("{sign}{}{suffix}", mantissa.to_decimal())
    }

    /// The JSON form the API server writes (`Quantity.MarshalJSON`).
    pub fn to_json(&self) -> Value {
        Value::String(self.canonical())
    }

    /// `Quantity.Add`: forgets the remembered text; a zero receiver adopts `other`'s format.
    pub fn add(&mut self, other: &Quantity) {
        self.cached = None;
        if self.is_zero() {
            self.format = other.format;
        }
        if other.is_zero() {
            return;
        }
        if self.is_zero() {
            self.negative = other.negative;
            self.mantissa = other.mantissa.clone();
            self.exponent = other.exponent;
            return;
        }
        if (self.exponent - other.exponent).abs() > MAX_ALIGN_DIGITS {
            if self.cmp_magnitude(other) == Ordering::Less {
                self.negative = other.negative;
                self.mantissa = other.mantissa.clone();
                self.exponent = other.exponent;
            }
            return;
        }
        let exponent = self.exponent.min(other.exponent);
        let mut a = self.mantissa.clone();
        a.mul_pow10((self.exponent - exponent) as u64);
        let mut b = other.mantissa.clone();
        b.mul_pow10((other.exponent - exponent) as u64);
        let (negative, mantissa) = if self.negative == other.negative {
            (self.negative, a.add(&b))
        } else {
            match a.cmp(&b) {
                Ordering::Less => (other.negative, b.sub(&a)),
                _ => (self.negative, a.sub(&b)),
            }
        };
        let format = self.format;
        *self = Self::from_parts(negative, mantissa, exponent, format);
    }

    /// `Quantity.Sub`.
    pub fn sub(&mut self, other: &Quantity) {
        let mut negated = other.clone();
        negated.negative = !negated.negative && !negated.is_zero();
        self.add(&negated);
    }

    /// `Quantity.Neg`.
    pub fn neg(&mut self) {
        self.cached = None;
        if !self.is_zero() {
            self.negative = !self.negative;
        }
    }

    /// `ceil(q / 10^scale)` away from zero (`Quantity.ScaledValue`); 0 when it overflows int64.
    pub fn scaled_value(&self, scale: i32) -> i64 {
        if self.is_zero() {
            return 0;
        }
        let shift = self.exponent - i64::from(scale);
        let magnitude = if shift >= 0 {
            if self.mantissa.decimal_len() as i64 + shift > 20 {
                return 0;
            }
            let mut value = self.mantissa.clone();
            value.mul_pow10(shift as u64);
            value
        } else {
            ceil_div_pow10(&self.mantissa, (-shift) as u64)
        };
        match magnitude.to_u128().and_then(|m| i64::try_from(m).ok()) {
            Some(m) if self.negative => -m,
            Some(m) => m,
            None => 0,
        }
    }

    /// `Quantity.Value()`.
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// `Quantity.MilliValue()`.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// `Quantity.RoundUp(0)` on a copy: the value rounded up (away from zero) to an integer and
    /// whether that was exact. An exact quantity comes back unchanged (remembered text included).
    pub fn round_up_to_integer(&self) -> (Quantity, bool) {
        if self.is_zero() || self.exponent >= 0 {
            return (self.clone(), true);
        }
        let mantissa = ceil_div_pow10(&self.mantissa, (-self.exponent) as u64);
        (Self::from_parts(self.negative, mantissa, 0, self.format), false)
    }

    fn cmp_magnitude(&self, other: &Quantity) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let order_a = self.mantissa.decimal_len() as i64 + self.exponent;
        let order_b = other.mantissa.decimal_len() as i64 + other.exponent;
        if order_a != order_b {
            return order_a.cmp(&order_b);
        }
        let exponent = self.exponent.min(other.exponent);
        let mut a = self.mantissa.clone();
        a.mul_pow10((self.exponent - exponent) as u64);
        let mut b = other.mantissa.clone();
        b.mul_pow10((other.exponent - exponent) as u64);
        a.cmp(&b)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `Quantity.Cmp`: by value only.
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.sign().cmp(&other.sign()) {
            Ordering::Equal if self.negative => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl std::str::FromStr for Quantity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

struct Scanned<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`.
fn scan(s: &str) -> Result<Scanned<'_>, &'static str> {
    let b = s.as_bytes();
    let end = b.len();
    let mut positive = true;
    let mut pos = 0;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    // leading zeros
    loop {
        if pos >= end {
            return Ok(Scanned { positive, num: "0", denom: "", suffix: "" });
        }
        if b[pos] != b'0' {
            break;
        }
        pos += 1;
    }
    // numerator
    let mut i = pos;
    while i < end && b[i].is_ascii_digit() {
        i += 1;
    }
    if i >= end {
        return Ok(Scanned { positive, num: &s[pos..end], denom: "", suffix: "" });
    }
    let num = if i == pos { "0" } else { &s[pos..i] };
    pos = i;
    // denominator
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let mut i = pos;
        while i < end && b[i].is_ascii_digit() {
            i += 1;
        }
        if i >= end {
            return Ok(Scanned { positive, num, denom: &s[pos..end], suffix: "" });
        }
        denom = &s[pos..i];
        pos = i;
    }
    // suffix: letters, an optional sign, digits
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(FORMAT_ERROR);
    }
    Ok(Scanned { positive, num, denom, suffix: &s[suffix_start..] })
}

/// `quantitySuffixer.interpret`: (base, exponent, format).
fn interpret_suffix(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            // strconv.ParseInt(s, 10, 64), then int32(...) truncation
            let parsed: i64 = suffix[1..].parse().ok()?;
            Some((10, parsed as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// `ceil(m / 10^n)` for a non-zero `m`.
fn ceil_div_pow10(m: &BigUint, n: u64) -> BigUint {
    if n as usize > m.decimal_len() {
        return BigUint::from_u128(1);
    }
    let mut quotient = m.clone();
    let mut inexact = false;
    let mut left = n;
    while left > 0 {
        let step = left.min(9);
        let (q, r) = quotient.divrem_small(10u32.pow(step as u32));
        inexact |= r != 0;
        quotient = q;
        left -= step;
    }
    if inexact {
        quotient = quotient.add(&BigUint::from_u128(1));
    }
    quotient
}

/// A minimal unsigned big integer: little-endian base-2^32 limbs, no leading zero limbs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u128(mut v: u128) -> Self {
        let mut limbs = Vec::new();
        while v != 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        BigUint { limbs }
    }

    fn from_decimal(digits: &str) -> Self {
        let mut n = BigUint::default();
        n.append_decimal(digits);
        n
    }

    /// `self = self × 10^len(digits) + digits`.
    fn append_decimal(&mut self, digits: &str) {
        for chunk in digits.as_bytes().chunks(9) {
            let value = chunk.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            self.mul_small_add(10u32.pow(chunk.len() as u32), value);
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn mul_small_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.limbs {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
        self.trim();
    }

    fn mul_pow10(&mut self, mut n: u64) {
        if self.is_zero() {
            return;
        }
        while n > 0 {
            let step = n.min(9);
            self.mul_small_add(10u32.pow(step as u32), 0);
            n -= step;
        }
    }

    fn mul_pow2(&mut self, mut n: u32) {
        while n > 0 {
            let step = n.min(31);
            self.mul_small_add(1 << step, 0);
            n -= step;
        }
    }

    fn divrem_small(&self, divisor: u32) -> (BigUint, u32) {
        let mut quotient = vec![0u32; self.limbs.len()];
        let mut remainder = 0u64;
        for (i, limb) in self.limbs.iter().enumerate().rev() {
            let current = (remainder << 32) | u64::from(*limb);
            quotient[i] = (current / u64::from(divisor)) as u32;
            remainder = current % u64::from(divisor);
        }
        let mut q = BigUint { limbs: quotient };
        q.trim();
        (q, remainder as u32)
    }

    /// Remainder modulo `divisor`; `divisor` itself for zero (so zero never "divides").
    fn rem_small(&self, divisor: u32) -> u32 {
        if self.is_zero() {
            return divisor;
        }
        self.divrem_small(divisor).1
    }

    fn add(&self, other: &BigUint) -> BigUint {
        let mut limbs = Vec::with_capacity(self.limbs.len().max(other.limbs.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.limbs.len().max(other.limbs.len()) {
            let sum =
                u64::from(*self.limbs.get(i).unwrap_or(&0)) + u64::from(*other.limbs.get(i).unwrap_or(&0)) + carry;
            limbs.push(sum as u32);
            carry = sum >> 32;
        }
        if carry != 0 {
            limbs.push(carry as u32);
        }
        BigUint { limbs }
    }

    /// `self - other`; `self` must not be smaller.
    fn sub(&self, other: &BigUint) -> BigUint {
        let mut limbs = Vec::with_capacity(self.limbs.len());
        let mut borrow = 0i64;
        for (i, limb) in self.limbs.iter().enumerate() {
            let mut difference = i64::from(*limb) - i64::from(*other.limbs.get(i).unwrap_or(&0)) - borrow;
            borrow = 0;
            if difference < 0 {
                difference += 1 << 32;
                borrow = 1;
            }
            limbs.push(difference as u32);
        }
        let mut result = BigUint { limbs };
        result.trim();
        result
    }

    fn cmp(&self, other: &BigUint) -> Ordering {
        self.limbs.len().cmp(&other.limbs.len()).then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }

    fn to_u128(&self) -> Option<u128> {
        (self.limbs.len() <= 4)
            .then(|| self.limbs.iter().rev().fold(0u128, |acc, limb| (acc << 32) | u128::from(*limb)))
    }

    fn to_decimal(&self) -> String {
        if let Some(v) = self.to_u128() {
            return v.to_string();
        }
        let mut chunks = Vec::new();
        let mut rest = self.clone();
        while !rest.is_zero() {
            let (q, r) = rest.divrem_small(1_000_000_000);
            chunks.push(r);
            rest = q;
        }
        let mut text = chunks.pop().map(|c| c.to_string()).unwrap_or_else(|| "0".to_string());
        for chunk in chunks.iter().rev() {
            text.push_str(&format!("{chunk:09}"));
        }
        text
    }

    fn decimal_len(&self) -> usize {
        if self.is_zero() { 1 } else { self.to_decimal().len() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical(text: &str) -> String {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).canonical()
    }

    fn form(text: &str) -> String {
        parse(text).unwrap().canonical_form()
    }

    /// TestQuantityParseEmit, TestQuantityString (the `alternate` inputs), TestParseQuantity
    /// (`canonical` column) and the brief's examples.
    #[test]
    fn canonical_forms() {
        let cases = [
            // TestQuantityParseEmit
            ("1Ki", "1Ki"),
            ("1Mi", "1Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1000M", "1G"),
            (".001Ki", "1024m"),
            (".000001Ki", "1024u"),
            (".000000001Ki", "1024n"),
            (".000000000001Ki", "2n"),
            // TestQuantityString alternates
            ("307200Ki", "300Mi"),
            ("1025024Mi", "1001Gi"),
            ("1024Gi", "1Ti"),
            ("5000m", "5"),
            ("0.5", "500m"),
            ("0.001T", "1G"),
            ("1000u", "1m"),
            ("1.08", "1080m"),
            ("1080000000n", "1080m"),
            (".001e12", "1e9"),
            ("0.001e0", "1e-3"),
            ("1000e-12", "1e-9"),
            ("00", "0"),
            // TestParseQuantity canonical column
            ("999999999999999999.0", "999999999999999999"),
            ("999999999999999999.1", "999999999999999999100m"),
            ("-9999999999999999999.1", "-9999999999999999999100m"),
            ("1000000000000000000", "1E"),
            ("10000000000000000000000m", "10E"),
            ("1.0000000000000000001E", "1000000000000000000100m"),
            ("-1.000000000000000001E", "-1000000000000000001"),
            ("9223372036854775808.1", "9223372036854775808100m"),
            // the brief
            ("1.5Gi", "1536Mi"),
            ("1000m", "1"),
            ("0.5Ki", "512"),
            ("1e3", "1e3"),
            ("100m", "100m"),
            ("1.5", "1500m"),
            ("2E", "2E"),
            (".5", "500m"),
            ("0.5Mi", "512Ki"),
            ("0.05Gi", "53687091200m"),
            ("1.5e3", "1500"),
            ("1e1", "10"),
            ("1e4", "10e3"),
            ("12e6", "12e6"),
            // rounding up below a nano (TestQuantityParse "Things that saturate/round")
            ("0.1n", "1n"),
            ("3.001n", "4n"),
            ("1.1E-9", "2e-9"),
            ("0.0000000001", "1n"),
            ("0.00000012345", "124n"),
            ("0.9n", "1n"),
            ("-0.1n", "-1n"),
            // BinarySI cap (9Ei and beyond clamp to 2^63-1)
            ("9Ei", "9223372036854775807"),
            ("9223372036854775807Ki", "9223372036854775807"),
            ("12E", "12E"),
            ("1000E", "1"),
        ];
        for (input, expected) in cases {
            assert_eq!(canonical(input), expected, "{input}");
        }
    }

    /// TestQuantityString: the canonical text is remembered verbatim on parse.
    #[test]
    fn canonical_text_is_kept_and_quirks() {
        for text in [
            "1Gi", "300Mi", "6Ki", "1001Gi", "5", "500m", "1G", "1m", "80m", "1080m", "1e9", "1e-3", "80e-3", "3k",
            "1025", "0", "1n", "1080u",
        ] {
            assert_eq!(canonical(text), text);
        }
        // Upstream's fast path keeps the raw text even when it is not canonical.
        assert_eq!(canonical("+1"), "+1");
        assert_eq!(canonical("1.500"), "1.500");
        assert_eq!(canonical("1E3"), "1E3");
        assert_eq!(canonical("007"), "007");
        assert_eq!(canonical("1."), "1.");
        assert_eq!(form("+1"), "1");
        assert_eq!(form("1.500"), "1500m");
        assert_eq!(form("1E3"), "1e3");
        // Negative forms (TestQuantityString's negated table).
        assert_eq!(form("-1Gi"), "-1Gi");
        assert_eq!(form("-0.5"), "-500m");
        assert_eq!(form("-1e9"), "-1e9");
    }

    /// TestQuantityParse: accepted inputs and their values.
    #[test]
    fn parse_values() {
        let q = |t: &str| parse(t).unwrap();
        assert_eq!(q("1Ki"), Quantity::from_i64(1024, Format::BinarySI));
        assert_eq!(q("3Ei").format(), Format::BinarySI);
        assert_eq!(q("100.035k"), Quantity::from_i64(100035, Format::DecimalSI));
        assert_eq!(q(".0001k"), Quantity::from_milli(100, Format::DecimalSI));
        assert_eq!(q("1.G"), Quantity::from_i64(1_000_000_000, Format::DecimalSI));
        assert_eq!(q("0.000000000001Ki").format(), Format::DecimalSI);
        assert_eq!(q("0.5Mi").format(), Format::BinarySI);
        assert_eq!(q("1e3").format(), Format::DecimalExponent);
        assert_eq!(q("1E").format(), Format::DecimalSI);
        assert_eq!(q("0Ki").format(), Format::BinarySI);
        assert!(q("-0").is_zero() && q(".").is_zero() && q("-").is_zero());
        assert_eq!(q("+100m"), q("0.1"));
        assert!(q("-3.01") < q("-3"));
        // Huge exponents and long zero runs stay cheap (no materialisation).
        assert_eq!(canonical("1e2000000000"), "100e1999999998");
        assert!(q("1e2000000000") > q("9Ei"));
        assert_eq!(q(&format!("1{}", "0".repeat(100_000))), q("1e100000"));
        let mut huge = q("1e2000000000");
        huge.add(&q("1"));
        assert_eq!(huge.canonical(), "100e1999999998");
    }

    /// TestQuantityParse invalid inputs, with upstream's error texts.
    #[test]
    fn parse_errors() {
        for text in ["1.1.M", "1+1.0M", "0.1am", "aoeu", " 1", "1 ", "", "Non-Numeric"] {
            assert_eq!(parse(text).unwrap_err(), FORMAT_ERROR, "{text:?}");
        }
        for text in ["0.1mi", ".5i", "1i", "-3.01i", "-3.01e-", "1GG", "1e", "1K", "1m-"] {
            assert_eq!(parse(text).unwrap_err(), SUFFIX_ERROR, "{text:?}");
        }
    }

    /// TestQuantityCmp / TestQuantityCmpInt64AndDec style comparisons across scales.
    #[test]
    fn ordering() {
        let q = |t: &str| parse(t).unwrap();
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("1Ki"), q("1024"));
        assert!(q("800m") < q("1"));
        assert!(q("800m") > q("79e-2"));
        assert!(q("9223372036854775807") > q("100m"));
        assert!(q("1e100") > q("9999999999999999999999999"));
        assert!(q("-1") < q("0"));
        assert_eq!(q("0"), q("0Ki"));
        assert!(q("1e-9") > q("0"));
    }

    /// TestAdd, TestSub, TestQuantityAddZeroPreservesSuffix and the usage sums of
    /// TestAdmitBelowQuotaLimit (1 + 100m = 1100m, 50Gi + 2Gi = 52Gi).
    #[test]
    fn arithmetic() {
        let q = |t: &str| parse(t).unwrap();
        let sum = |a: &str, b: &str| {
            let mut a = q(a);
            a.add(&q(b));
            a.canonical()
        };
        assert_eq!(sum("1", "100m"), "1100m");
        assert_eq!(sum("50Gi", "2Gi"), "52Gi");
        assert_eq!(sum("3", "1"), "4");
        assert_eq!(sum("0", "100m"), "100m");
        assert_eq!(sum("100m", "0"), "100m");
        assert_eq!(sum("0", "1Gi"), "1Gi");
        assert_eq!(sum("512Mi", "512Mi"), "1Gi");
        assert_eq!(sum("512M", "512Mi"), "1048870912");
        assert_eq!(sum("1e100", "1"), format!("1{}1", "0".repeat(99)));
        // A zero receiver adopts the other format; a non-zero one keeps its own.
        let mut zero = Quantity::zero(Format::DecimalSI);
        zero.add(&q("1Gi"));
        assert_eq!(zero.format(), Format::BinarySI);
        let mut a = q("+1");
        a.add(&Quantity::zero(Format::DecimalSI));
        assert_eq!(a.canonical(), "1");
        let mut b = q("10");
        b.sub(&q("1e1"));
        assert!(b.is_zero());
        let mut c = q("0");
        c.sub(&q("50"));
        assert_eq!(c.canonical(), "-50");
        let mut d = q("9.01");
        d.neg();
        assert_eq!(d.canonical(), "-9010m"); // TestQuantityNeg
    }

    /// TestScaledValue and the milli/unit values LimitRanger compares.
    #[test]
    fn scaled_values() {
        let q = |t: &str| parse(t).unwrap();
        assert_eq!(q("1").milli_value(), 1000);
        assert_eq!(q("1500u").milli_value(), 2);
        assert_eq!(q("1.5").value(), 2);
        assert_eq!(q("-1.5").value(), -2);
        assert_eq!(q("1Gi").value(), 1 << 30);
        assert_eq!(q("100E").milli_value(), 0);
        assert_eq!(q("1e-9").value(), 1);
        let (rounded, exact) = q("1500m").round_up_to_integer();
        assert_eq!((rounded.canonical().as_str(), exact), ("2", false));
        assert!(q("5Gi").round_up_to_integer().1);
    }

    #[test]
    fn json_values() {
        assert_eq!(from_json(&json!(1)).unwrap().canonical(), "1");
        assert_eq!(from_json(&json!(0.5)).unwrap().canonical(), "500m");
        assert_eq!(from_json(&json!(1000.0)).unwrap().canonical(), "1k");
        // Go writes 1e21 as `1e+21`, which parses on the fast path and is kept verbatim.
        assert_eq!(from_json(&json!(1e21)).unwrap().canonical(), "1e+21");
        assert_eq!(from_json(&json!(1e21)).unwrap().canonical_form(), "1e21");
        assert_eq!(from_json(&json!(" 2Gi ")).unwrap().canonical(), "2Gi");
        assert!(from_json(&Value::Null).unwrap().is_zero());
        assert_eq!(from_json(&json!(true)).unwrap_err(), FORMAT_ERROR);
        assert_eq!(go_json_float(1e-7), "1e-7");
        assert_eq!(go_json_float(1.5e21), "1.5e+21");
        assert_eq!(Quantity::from_milli(1500, Format::DecimalSI).to_json(), json!("1500m"));
    }
}
