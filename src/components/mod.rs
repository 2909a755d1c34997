//! Reusable pieces of the pages, one component per file.

pub mod answer_card;
pub mod ci_chart;
pub mod excluded_votes;
pub mod lang_switch;
pub mod reason_picker;
pub mod reason_table;
pub mod site_header;
pub mod vote_bar;
pub mod win_rate_heatmap;
