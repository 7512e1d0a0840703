use std::rc::Rc;

use js_sys::Uint8ClampedArray;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::core::workload::Picture;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub picture: Option<Rc<Picture>>,
}

/// Palette index (0 = black, 1 … 255 = escape speed) to RGB: dark blue
/// through teal to pale yellow.
fn colour(index: u8) -> [u8; 3] {
    if index == 0 {
        return [0, 0, 0];
    }
    let t = (index as f64 / 255.0).sqrt();
    [(255.0 * t * t.sqrt()) as u8, (200.0 * t) as u8, (90.0 + 120.0 * (1.0 - t)) as u8]
}

fn draw(canvas: &HtmlCanvasElement, picture: &Picture) -> Result<(), JsValue> {
    canvas.set_width(picture.width);
    canvas.set_height(picture.height);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into().map_err(|_| "not a 2d context")?;
    let mut rgba = Vec::with_capacity(picture.pixels.len() * 4);
    for &p in &picture.pixels {
        rgba.extend_from_slice(&colour(p));
        rgba.push(255);
    }
    // ImageData refuses views on shared memory (all of this wasm's memory
    // is shared): copy into a plain JS array first.
    let plain = Uint8ClampedArray::new_with_length(rgba.len() as u32);
    plain.copy_from(&rgba);
    let image = ImageData::new_with_js_u8_clamped_array_and_sh(&plain, picture.width, picture.height)?;
    ctx.put_image_data(&image, 0.0, 0.0)
}

/// The picture a workload computed (Mandelbrot), drawn on a canvas.
#[component]
pub fn PictureView(props: &Props) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(props.picture.clone(), move |picture| {
            if let (Some(picture), Some(c)) = (picture, canvas.cast::<HtmlCanvasElement>()) {
                if let Err(e) = draw(&c, picture) {
                    web_sys::console::error_2(&"could not draw the picture:".into(), &e);
                }
            }
        });
    }
    if props.picture.is_none() {
        return html! {};
    }
    html! {
        <section class="panel picture">
            <h2>{ "Picture" }</h2>
            <canvas id="picture" ref={canvas} aria-label="The rendered Mandelbrot set"></canvas>
        </section>
    }
}
