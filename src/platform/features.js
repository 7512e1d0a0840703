// Browser features the page needs and cannot assume.

// Whether this browser starts module workers (`new Worker(url, { type:
// "module" })`): one that does not reads no `type` from the options. The
// worker tried is an empty blob, ended at once.
export function module_workers() {
  let asked = false;
  const options = {
    get type() {
      asked = true;
      return "module";
    },
  };
  const url = URL.createObjectURL(new Blob([""], { type: "text/javascript" }));
  try {
    new Worker(url, options).terminate();
  } catch (e) {
    return false;
  } finally {
    URL.revokeObjectURL(url);
  }
  return asked;
}
