//! Contenders and their crowds, shared by the API tests (`tests/api/contenders.rs`, on the
//! arena's own clock) and by `examples/contest.rs` (the same crowds in real time against a
//! running server behind a trusted proxy).
//!
//! - [`Scenario`]: models close together, each with its own answer to 42 Korean prompts, and a
//!   hidden ground truth by which an honest citizen chooses.
//! - [`Http`]: a client that speaks the arena's API as a script would: one address per person
//!   (`X-Forwarded-For`, believed from the loopback proxy), its voter id in the header, proof of
//!   work solved natively whenever it is asked.

use arena_core::api::{BattleResponse, ErrorBody, VoteResponse};
use arena_core::pow;
use rand::Rng;
use rand::rngs::StdRng;

pub const PROMPTS: usize = 42;

#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    pub models: usize,
    /// Rating points between neighbours in the ground truth.
    pub spacing: f64,
    pub seed: u64,
}

impl Scenario {
    pub fn model_id(&self, m: usize) -> String {
        format!("c-{m:02}")
    }

    /// The model's place in the ground truth, 0 the weakest.
    pub fn index(&self, id: &str) -> Option<usize> {
        id.strip_prefix("c-")?.parse().ok()
    }

    pub fn strength(&self, id: &str) -> f64 {
        self.index(id).unwrap_or(0) as f64 * self.spacing
    }

    /// Model `m`'s answer to prompt `p`, as stored (and served) after import.
    pub fn answer(&self, p: usize, m: usize) -> String {
        format!(
            "질문 {p}에 대한 {m}번 팀의 답변입니다. 관할 행정복지센터에 신분증을 가지고 방문하면 됩니다. "
        )
        .repeat(4)
        .trim()
        .to_owned()
    }

    /// Every answer of model `id`: what its team knows by heart.
    pub fn answers_of(&self, id: &str) -> std::collections::HashSet<String> {
        let m = self.index(id).unwrap_or(usize::MAX);
        (0..PROMPTS).map(|p| self.answer(p, m)).collect()
    }

    /// Which model wrote an answer: what the crowd's hidden truth needs (the server keeps the
    /// models sealed in the token; the scenario wrote every answer, so it knows).
    pub fn author(&self, answer: &str) -> Option<String> {
        let rest = answer.split("에 대한 ").nth(1)?;
        let m: usize = rest.split("번 팀").next()?.parse().ok()?;
        (m < self.models).then(|| self.model_id(m))
    }

    /// Each model's answer to each of 42 Korean prompts, distinct, a few hundred characters.
    pub fn battle_set(&self) -> String {
        let names: Vec<String> = (0..self.models)
            .map(|m| {
                format!(
                    "{{\"id\": \"{}\", \"name\": \"경쟁 모델 {m}\"}}",
                    self.model_id(m)
                )
            })
            .collect();
        let mut out = format!("{{\"models\": [{}]}}\n", names.join(", "));
        let categories = ["법률·행정", "역사", "문화", "생활"];
        for p in 0..PROMPTS {
            let answers: Vec<String> = (0..self.models)
                .map(|m| {
                    format!(
                        "{{\"model\": \"{}\", \"text\": \"{}\"}}",
                        self.model_id(m),
                        self.answer(p, m)
                    )
                })
                .collect();
            out += &format!(
                "{{\"id\": \"c-p{p}\", \"category\": \"{}\", \"prompt\": \"질문 {p}: 주소를 옮기면 무엇을 해야 하나요?\", \"answers\": [{}]}}\n",
                categories[p % categories.len()],
                answers.join(", ")
            );
        }
        out
    }

    /// What an honest citizen chooses between the models of sides A and B.
    pub fn honest_choice(&self, rng: &mut StdRng, a: &str, b: &str) -> &'static str {
        let p = 1.0 / (1.0 + 10f64.powf((self.strength(b) - self.strength(a)) / 400.0));
        if rng.random::<f64>() < 0.1 {
            "tie"
        } else if rng.random::<f64>() < p {
            "a"
        } else {
            "b"
        }
    }
}

/// The arena's API as a script speaks it.
#[derive(Clone)]
pub struct Http {
    pub client: reqwest::Client,
    pub base: String,
}

pub enum Drawn {
    Battle(Box<BattleResponse>),
    /// The status and, when given, the seconds to wait before asking again.
    Refused(u16, Option<u64>),
}

fn retry_after(res: &reqwest::Response) -> Option<u64> {
    res.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
}

impl Http {
    pub fn new(base: &str) -> Http {
        Http {
            client: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Draws a battle for `voter` (a new one when `None`) from the address `from`, paying
    /// proof of work when it is asked. A connection that fails is a refusal with status 0.
    pub async fn battle(&self, from: &str, voter: Option<&str>) -> Drawn {
        let mut pow_header: Option<String> = None;
        for _ in 0..2 {
            let mut req = self
                .client
                .get(format!("{}/api/v1/battle", self.base))
                .header("x-forwarded-for", from);
            if let Some(v) = voter {
                req = req.header("x-arena-voter", v);
            }
            if let Some(h) = &pow_header {
                req = req.header(pow::HEADER, h);
            }
            let Ok(res) = req.send().await else {
                return Drawn::Refused(0, None);
            };
            let status = res.status().as_u16();
            let retry = retry_after(&res);
            match status {
                200 => match res.json().await {
                    Ok(b) => return Drawn::Battle(Box::new(b)),
                    Err(_) => return Drawn::Refused(0, None),
                },
                428 => {
                    // Every attacker pays: a script solves the challenge natively.
                    let Some(challenge) = res.json::<ErrorBody>().await.ok().and_then(|b| b.pow)
                    else {
                        return Drawn::Refused(428, None);
                    };
                    let Some(nonce) = pow::solve_from(&challenge, 0, u64::MAX) else {
                        return Drawn::Refused(428, None);
                    };
                    pow_header = Some(pow::header_value(&challenge, nonce));
                }
                _ => return Drawn::Refused(status, retry),
            }
        }
        Drawn::Refused(428, None)
    }

    /// Votes on a battle; `Err((status, retry-after))` when refused (status 0: no answer).
    pub async fn vote(
        &self,
        from: &str,
        voter: Option<&str>,
        token: &str,
        choice: &str,
    ) -> Result<VoteResponse, (u16, Option<u64>)> {
        let mut req = self
            .client
            .post(format!("{}/api/v1/vote", self.base))
            .header("x-forwarded-for", from)
            .json(&serde_json::json!({"token": token, "choice": choice}));
        if let Some(v) = voter {
            req = req.header("x-arena-voter", v);
        }
        let res = req.send().await.map_err(|_| (0, None))?;
        let status = res.status().as_u16();
        let retry = retry_after(&res);
        if status == 200 {
            res.json().await.map_err(|_| (0, None))
        } else {
            Err((status, retry))
        }
    }
}
