//! The question of a DNS query, read from the UDP payload a workload sent.
//!
//! Only the first question is read (resolvers send one); a name that uses
//! compression pointers, which queries do not, or that runs past the bytes
//! the kernel kept (`abi::DNS_MAX`) is not decoded.

/// The name (with a trailing dot) and type of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: String,
}

/// Decodes the first question of a DNS query; `None` for a response, a
/// message without questions, or a malformed one.
pub fn parse_query(msg: &[u8]) -> Option<Question> {
    if msg.len() < 12 || msg[2] & 0x80 != 0 {
        return None;
    }
    let qdcount = u16::from_be_bytes([msg[4], msg[5]]);
    if qdcount == 0 {
        return None;
    }
    let mut i = 12;
    let mut name = String::new();
    loop {
        let len = *msg.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None;
        }
        let label = msg.get(i..i + len)?;
        for &b in label {
            name.push(if b.is_ascii_graphic() {
                b.to_ascii_lowercase() as char
            } else {
                '?'
            });
        }
        name.push('.');
        i += len;
    }
    if name.is_empty() {
        name.push('.');
    }
    let qtype = u16::from_be_bytes([*msg.get(i)?, *msg.get(i + 1)?]);
    Some(Question {
        name,
        qtype: type_name(qtype),
    })
}

/// The mnemonic of a query type, `TYPE<n>` when unnamed here.
pub fn type_name(t: u16) -> String {
    let s = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        43 => "DS",
        48 => "DNSKEY",
        64 => "SVCB",
        65 => "HTTPS",
        252 => "AXFR",
        255 => "ANY",
        257 => "CAA",
        _ => return format!("TYPE{t}"),
    };
    s.to_owned()
}

/// Encodes a one-question query for `name` of type `qtype` (for tests and
/// the benchmark).
pub fn encode_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.push(0);
    m.extend_from_slice(&qtype.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip() {
        let q = parse_query(&encode_query(7, "Example.COM", 28)).unwrap();
        assert_eq!(
            q,
            Question {
                name: "example.com.".into(),
                qtype: "AAAA".into()
            }
        );
        let mut response = encode_query(7, "a.b", 1);
        response[2] |= 0x80;
        assert!(parse_query(&response).is_none());
        assert!(parse_query(&encode_query(1, "x", 1)[..14]).is_none());
    }
}
