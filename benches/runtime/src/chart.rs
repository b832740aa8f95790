//! `results.svg`: per workload, each implementation's median wall time per call relative
//! to sqlwright's (sqlwright = 1), as horizontal bars from 1 on a log scale: a bar to the
//! right is slower than sqlwright, to the left faster. Plotters' SVG backend only: text is
//! SVG `<text>` (the viewer's sans-serif), so no font is needed to draw it.

use crate::sqlalchemy::Compared;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::time::Duration;

/// The sides other than sqlwright, in the order of their bars (colour-blind-safe palette).
const SIDES: [(&str, RGBColor); 4] = [
    ("hand-written postgres", RGBColor(150, 150, 150)),
    ("Diesel", RGBColor(230, 159, 0)),
    ("SQLAlchemy Core", RGBColor(86, 180, 233)),
    ("SQLAlchemy ORM", RGBColor(0, 94, 160)),
];

const FONT: &str = "sans-serif";

pub fn write(path: &Path, rows: &[Compared]) -> Result<(), Box<dyn std::error::Error>> {
    let ratios: Vec<[Option<f64>; 4]> = rows
        .iter()
        .map(|r| {
            let rel = |d: Option<Duration>| d.map(|d| d.as_secs_f64() / r.sqlwright.as_secs_f64());
            [rel(r.postgres), rel(r.diesel), rel(r.core), rel(r.orm)]
        })
        .collect();
    // Only the sides that ran get a bar slot.
    let sides: Vec<usize> = (0..SIDES.len())
        .filter(|&s| ratios.iter().any(|r| r[s].is_some()))
        .collect();
    let all = ratios.iter().flatten().flatten().copied();
    let lo = all.clone().fold(0.5, f64::min) / 1.3;
    let hi = all.fold(2.0, f64::max) * 1.8;

    let n = rows.len();
    let bar_px = 11;
    let row_px = bar_px * sides.len().max(1) + 12;
    let (width, height) = (1000u32, (170 + n * row_px) as u32);
    let root = SVGBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(76);
    head.draw(&Text::new(
        "Wall time per call relative to sqlwright (= 1), log scale: left of 1 is faster",
        (width as i32 / 2, 22),
        TextStyle::from((FONT, 20).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    // The legend, on one line under the title (text widths estimated at 7.5 px a letter).
    let legend_style =
        TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let (mut x, y) = (110, 56);
    head.draw(&PathElement::new(
        vec![(x + 7, y - 8), (x + 7, y + 8)],
        BLACK.stroke_width(2),
    ))?;
    head.draw(&Text::new("sqlwright", (x + 20, y), &legend_style))?;
    x += 20 + 68 + 28;
    for &s in &sides {
        let (name, color) = SIDES[s];
        head.draw(&Rectangle::new(
            [(x, y - 6), (x + 14, y + 6)],
            color.filled(),
        ))?;
        head.draw(&Text::new(name, (x + 20, y), &legend_style))?;
        x += 20 + name.len() as i32 * 15 / 2 + 28;
    }

    let ticks: Vec<f64> = [
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
    ]
    .into_iter()
    .filter(|t| (lo..=hi).contains(t))
    .collect();
    let mut chart = ChartBuilder::on(&body)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(190)
        .build_cartesian_2d((lo..hi).log_scale().with_key_points(ticks), 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_label_formatter(&|v| short(*v))
        .x_desc("median wall time per call / sqlwright's")
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;

    // Alternate rows shaded; workload labels left of the plot.
    let top = |i: usize| (n - i) as f64;
    chart.draw_series((0..n).filter(|i| i % 2 == 0).map(|i| {
        Rectangle::new(
            [(lo, top(i) - 1.0), (hi, top(i))],
            RGBColor(0, 0, 0).mix(0.04).filled(),
        )
    }))?;
    let label_style =
        TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, r) in rows.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(lo, top(i) - 0.5));
        // backend_coord is in the whole picture's pixels.
        root.draw(&Text::new(
            r.workload.label.clone(),
            (x - 8, y),
            &label_style,
        ))?;
    }

    // The bars, from 1 to the ratio, each labelled with its value.
    let band = 1.0 / (sides.len().max(1) as f64 + 0.9);
    let value_style = |right: bool| {
        TextStyle::from((FONT, 11).into_font()).pos(Pos::new(
            if right { HPos::Left } else { HPos::Right },
            VPos::Center,
        ))
    };
    for (slot, &s) in sides.iter().enumerate() {
        let color = SIDES[s].1;
        let bar = |i: usize| {
            let y1 = top(i) - 0.45 * band - slot as f64 * band;
            (y1 - 0.85 * band, y1)
        };
        chart.draw_series(ratios.iter().enumerate().filter_map(|(i, r)| {
            let (y0, y1) = bar(i);
            r[s].map(|x| Rectangle::new([(1.0, y0), (x, y1)], color.filled()))
        }))?;
        chart.draw_series(ratios.iter().enumerate().filter_map(|(i, r)| {
            let (y0, y1) = bar(i);
            r[s].map(|x| {
                let right = x >= 1.0;
                EmptyElement::at((x, (y0 + y1) / 2.0))
                    + Text::new(
                        value(x),
                        (if right { 4 } else { -4 }, 0),
                        value_style(right),
                    )
            })
        }))?;
    }
    // sqlwright: the line at 1.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(1.0, 0.0), (1.0, n as f64)],
        BLACK.stroke_width(2),
    )))?;
    root.present()?;
    Ok(())
}

/// An axis value: 0.5, 1, 2, 10, 100.
fn short(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A bar's value: 0.84, 3.42, 12.3, 145.
fn value(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.2}")
    } else if x < 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.0}")
    }
}
