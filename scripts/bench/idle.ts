export async function idle(_a: string[]): Promise<number> { return 1; }
