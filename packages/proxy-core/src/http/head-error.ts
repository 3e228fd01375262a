/** Why a head was refused: the status to answer with (then the connection is closed). */
export type HeadError = { status: number; reason: string };
