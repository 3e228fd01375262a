declare module 'apache-crypt' {
  /** crypt(3) DES as Apache's htpasswd -d writes it; `salt` is the hash's first two characters. */
  function crypt(password: string, salt?: string): string;
  export = crypt;
}
