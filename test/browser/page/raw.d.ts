/** Vite's `?raw` imports: the file's text. */
declare module '*.wgsl?raw' {
  const text: string;
  export default text;
}
