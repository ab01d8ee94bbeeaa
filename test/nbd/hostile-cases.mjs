export async function runHostile(){return {cases:[]}}
