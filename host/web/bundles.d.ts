// The built firmware, put into the page by scripts/build-web.ts: the files of dist/ as text.
declare module "espdma:bundles" {
  export const driver: string;
  export const driverNrf52: string;
  export const agent: string;
}
