// The shape every locale's messages have: en.ts's keys, with any string as a value.
import type en from './en';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export type MessageSchema = Widen<typeof en>;
