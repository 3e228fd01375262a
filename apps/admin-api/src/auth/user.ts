/** Who made a request, as the authenticator found them. */
export type User = { name: string; uid: string; groups: string[] };
